package dev.kms.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Parameter values as the AWS CLI v2 reads them: {@code fileb://PATH} (raw bytes) or base64 text for
 * blobs; {@code file://PATH} (text) for any other value; shorthand ({@code k=v,k2=v2}) or JSON for maps
 * and structures. Messages never repeat the value: it may be a secret.
 */
public final class Params {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String FILE = "file://";
    private static final String FILEB = "fileb://";

    private Params() {
    }

    /** A blob parameter (--plaintext, --ciphertext-blob), converted to the base64 the wire carries. */
    public static final class Blob implements ITypeConverter<TextNode> {
        @Override
        public TextNode convert(String value) {
            if (value.startsWith(FILEB)) {
                byte[] bytes = readBytes(value.substring(FILEB.length()));
                try {
                    return TextNode.valueOf(Base64.getEncoder().encodeToString(bytes));
                } finally {
                    Arrays.fill(bytes, (byte) 0);
                }
            }
            String text = value.startsWith(FILE) ? readText(value.substring(FILE.length())).strip() : value.strip();
            try {
                Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("Invalid base64 (use fileb://PATH for raw bytes)");
            }
            return TextNode.valueOf(text);
        }
    }

    /** A text parameter that may also be {@code file://PATH}. */
    public static final class Text implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return text(value);
        }
    }

    /**
     * A string-to-string map (--encryption-context): JSON object, or shorthand {@code k=v,k2=v2}, either
     * inline or from {@code file://PATH}.
     */
    public static final class StringMap implements ITypeConverter<ObjectNode> {
        @Override
        public ObjectNode convert(String value) {
            String text = text(value).strip();
            if (text.startsWith("{")) {
                JsonNode node = parseJson(text);
                if (!node.isObject()) {
                    throw new TypeConversionException("expected a JSON object of strings");
                }
                node.properties().forEach(e -> {
                    if (!e.getValue().isTextual()) {
                        throw new TypeConversionException("expected a JSON object of strings; '" + e.getKey()
                                + "' is not a string");
                    }
                });
                return (ObjectNode) node;
            }
            ObjectNode map = NODES.objectNode();
            for (String pair : splitShorthand(text)) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new TypeConversionException("expected key=value[,key=value...] or a JSON object");
                }
                map.put(pair.substring(0, eq).strip(), pair.substring(eq + 1));
            }
            return map;
        }
    }

    /**
     * One value of --tags: {@code TagKey=k,TagValue=v} shorthand, or JSON (one tag object or an array of
     * them), inline or from {@code file://PATH}; each becomes a list of {@code {TagKey, TagValue}} objects.
     */
    public static final class Tags implements ITypeConverter<ArrayNode> {
        @Override
        public ArrayNode convert(String value) {
            ArrayNode tags = NODES.arrayNode();
            String text = text(value).strip();
            if (text.startsWith("[") || text.startsWith("{")) {
                JsonNode node = parseJson(text);
                for (JsonNode tag : node.isArray() ? node : NODES.arrayNode().add(node)) {
                    if (!tag.isObject()) {
                        throw new TypeConversionException("expected JSON objects {\"TagKey\": ..., \"TagValue\": ...}");
                    }
                    tags.add(tag);
                }
                return tags;
            }
            ObjectNode tag = NODES.objectNode();
            for (String pair : splitShorthand(text)) {
                int eq = pair.indexOf('=');
                String member = eq < 0 ? "" : pair.substring(0, eq).strip();
                if (!member.equals("TagKey") && !member.equals("TagValue")) {
                    throw new TypeConversionException("expected TagKey=KEY,TagValue=VALUE");
                }
                tag.put(member, pair.substring(eq + 1));
            }
            return tags.add(tag);
        }
    }

    /** One value of a string list (--tag-keys, --grant-tokens): a plain string, or a JSON array of strings. */
    public static final class Strings implements ITypeConverter<ArrayNode> {
        @Override
        public ArrayNode convert(String value) {
            ArrayNode list = NODES.arrayNode();
            String text = text(value);
            if (!text.strip().startsWith("[")) {
                return list.add(text);
            }
            for (JsonNode element : parseJson(text.strip())) {
                if (!element.isTextual()) {
                    throw new TypeConversionException("expected a JSON array of strings");
                }
                list.add(element);
            }
            return list;
        }
    }

    /** The values of a repeated list option, flattened into one JSON array; null when absent. */
    /** The arrays a repeatable option collected (--tags a b --tags c), joined in order. */
    public static ArrayNode flatten(List<?> values) {
        if (values == null) {
            return null;
        }
        ArrayNode all = NODES.arrayNode();
        values.forEach(value -> all.addAll((ArrayNode) value));
        return all;
    }

    /**
     * A dashed name as the AWS APIs spell it: an option's (key-id) as its member (KeyId),
     * a command's as its action.
     */
    public static String pascalCase(String dashed) {
        StringBuilder name = new StringBuilder();
        for (String word : dashed.split("-")) {
            if (!word.isEmpty()) {
                name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        return name.toString();
    }

    public static String text(String value) {
        return value.startsWith(FILE) ? readText(value.substring(FILE.length())) : value;
    }

    /** Splits shorthand on commas; a backslash escapes a comma inside a value. */
    private static List<String> splitShorthand(String text) {
        java.util.ArrayList<String> parts = new java.util.ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == ',') {
                current.append(',');
                i++;
            } else if (c == ',') {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    private static JsonNode parseJson(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new TypeConversionException("invalid JSON: " + e.getOriginalMessage());
        }
    }

    private static byte[] readBytes(String path) {
        try {
            return Files.readAllBytes(Path.of(path));
        } catch (IOException | RuntimeException e) {
            throw new TypeConversionException("cannot read file " + path + ": " + reason(e));
        }
    }

    private static String readText(String path) {
        try {
            return Files.readString(Path.of(path), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new TypeConversionException("cannot read file " + path + ": " + reason(e));
        }
    }

    private static String reason(Exception e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getClass().getSimpleName();
    }
}
