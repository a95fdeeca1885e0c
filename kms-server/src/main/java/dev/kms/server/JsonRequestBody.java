package dev.kms.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * An AWS JSON 1.1 request body read as AWS reads it: empty means {@code {}}, otherwise exactly one JSON object in
 * well-formed UTF-8 whose strings are well-formed text ({@link StrictText}). Anything else is refused
 * before the request reaches authorization, the key service or the audit trail (docs/server-hardening.md).
 */
final class JsonRequestBody {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonRequestBody() {
    }

    /** A body refused as AWS refuses it: SerializationException, with a message that says why. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    static ObjectNode parse(byte[] body) throws Refused {
        if (body.length == 0) {
            return JsonNodeFactory.instance.objectNode();
        }
        // Jackson decodes some malformed UTF-8 (overlong forms, code points past U+10FFFF) instead of refusing it.
        if (!StrictText.isUtf8(body)) {
            throw new Refused("The request body is not valid UTF-8.");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new Refused("The request body is not valid JSON.");
        }
        if (tree == null || tree.isMissingNode()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!tree.isObject()) {
            throw new Refused("The request body must be a JSON object.");
        }
        if (!isWellFormed(tree)) {
            throw new Refused("The request body holds an unpaired UTF-16 surrogate escape.");
        }
        return (ObjectNode) tree;
    }

    /** Every string value, at any depth, is well-formed text (Jackson itself refuses such escapes in names). */
    private static boolean isWellFormed(JsonNode node) {
        if (node.isTextual()) {
            return StrictText.isWellFormed(node.textValue());
        }
        for (JsonNode child : node) { // an object's values or an array's items; nothing for other nodes
            if (!isWellFormed(child)) {
                return false;
            }
        }
        return true;
    }
}
