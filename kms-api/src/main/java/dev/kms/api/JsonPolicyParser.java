package dev.kms.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kms.core.policy.Policy;
import dev.kms.core.policy.PolicyDocuments;
import dev.kms.core.policy.PolicyKind;
import dev.kms.core.port.PolicyParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads policy documents written in JSON. Jackson does the syntax, strictly: duplicate members, comments,
 * trailing commas and text after the document are errors. The policy rules (members, types, operators,
 * principals) are {@link PolicyDocuments}'s, so every message names the path of what is wrong.
 */
public final class JsonPolicyParser implements PolicyParser {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    @Override
    public Policy parse(String document, PolicyKind kind) {
        PolicyDocuments.checkSize(document);
        Object tree;
        try (JsonParser parser = MAPPER.createParser(document)) {
            try {
                tree = MAPPER.readValue(parser, Object.class);
                if (parser.nextToken() != null) {
                    throw PolicyDocuments.malformed("Policy document", "unexpected text after the document at line "
                            + parser.currentTokenLocation().getLineNr() + ", column " + parser.currentTokenLocation().getColumnNr());
                }
            } catch (JsonProcessingException e) {
                throw syntaxError(parser, e);
            }
        } catch (IOException e) {
            throw PolicyDocuments.malformed("Policy document", "cannot be read: " + e.getMessage());
        }
        return PolicyDocuments.fromTree(tree, kind);
    }

    private static RuntimeException syntaxError(JsonParser parser, JsonProcessingException e) {
        String original = e.getOriginalMessage();
        if (original != null && original.startsWith("Duplicate field '")) {
            String member = original.substring("Duplicate field '".length(), original.indexOf('\'', "Duplicate field '".length()));
            return PolicyDocuments.malformed(path(parser.getParsingContext().getParent()), "duplicate member '" + member + "'");
        }
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        String what = original == null ? "syntax error" : original.lines().findFirst().orElse("syntax error");
        int sourceNote = what.indexOf(" (start marker at");
        if (sourceNote >= 0) {
            what = what.substring(0, sourceNote); // the rest describes Jackson's input source, not the document
        }
        return PolicyDocuments.malformed(path(parser.getParsingContext()), "invalid JSON" + where + ": " + what);
    }

    /** The path of a parsing context in the form PolicyDocuments uses: {@code Statement[1].Condition}. */
    private static String path(JsonStreamContext context) {
        List<String> segments = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                segments.add("[" + Math.max(c.getCurrentIndex(), 0) + "]");
            } else if (c.getCurrentName() != null) {
                segments.add(c.getCurrentName());
            }
        }
        Collections.reverse(segments);
        StringBuilder path = new StringBuilder();
        for (String segment : segments) {
            path.append(segment.startsWith("[") || path.isEmpty() ? "" : ".").append(segment);
        }
        return path.isEmpty() ? "Policy document" : path.toString();
    }
}
