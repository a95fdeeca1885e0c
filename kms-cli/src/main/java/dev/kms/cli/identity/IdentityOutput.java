package dev.kms.cli.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An IAM or STS result as the AWS CLI prints it, whether it came from KMS_HOME's service or from a server:
 * timestamps as {@code 2025-01-02T03:04:05+00:00} and policy documents as the JSON they hold, not as text.
 */
final class IdentityOutput {
    private static final Set<String> TIMESTAMPS = Set.of("CreateDate", "Expiration");
    private static final Set<String> DOCUMENTS = Set.of("PolicyDocument", "AssumeRolePolicyDocument");

    private IdentityOutput() {
    }

    /** {@code result}, changed in place. */
    static JsonNode present(JsonNode result) {
        if (result instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> member : List.copyOf(object.properties())) {
                String name = member.getKey();
                JsonNode value = member.getValue();
                // Replacing a member keeps its place, so the output's order is the result's.
                if (TIMESTAMPS.contains(name) && value.isTextual()) {
                    object.put(name, timestamp(value.textValue()));
                } else if (DOCUMENTS.contains(name) && value.isTextual()) {
                    object.set(name, IdentityCommand.document(value.textValue()));
                } else {
                    present(value);
                }
            }
        } else if (result instanceof ArrayNode array) {
            array.forEach(IdentityOutput::present);
        }
        return result;
    }

    private static String timestamp(String iso) {
        try {
            return IdentityCommand.date(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }
}
