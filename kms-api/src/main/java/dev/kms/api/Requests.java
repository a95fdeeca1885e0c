package dev.kms.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.KeyRef;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed access to the members of one AWS JSON request body. Every wrong JSON type, bad base64 or
 * unknown enum value becomes a ValidationException naming the member in AWS's camelCase form; a JSON
 * null counts as absent, and members nobody asks for are ignored, as AWS does.
 */
final class Requests {
    private final JsonNode body;

    Requests(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            this.body = JsonNodeFactory.instance.objectNode();
        } else if (body.isObject()) {
            this.body = body;
        } else {
            throw new KmsException(ErrorCode.VALIDATION, "1 validation error detected: the request body must be a JSON object");
        }
    }

    String string(String member) {
        JsonNode node = node(member);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw KmsException.validation(field(member), "Member must be a string");
        }
        return node.textValue();
    }

    String requiredString(String member) {
        return required(member, string(member));
    }

    /** A KeyId member, parsed here once for the key service; null when absent. */
    KeyRef keyRef(String member) {
        String text = string(member);
        return text == null ? null : KeyRef.parse(text, field(member));
    }

    KeyRef requiredKeyRef(String member) {
        return KeyRef.parse(requiredString(member), field(member));
    }

    Integer integer(String member) {
        JsonNode node = node(member);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw KmsException.validation(field(member), "Member must be a 32-bit integer");
        }
        return node.intValue();
    }

    Boolean bool(String member) {
        JsonNode node = node(member);
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            throw KmsException.validation(field(member), "Member must be a boolean");
        }
        return node.booleanValue();
    }

    /** A base64 blob, decoded; the caller owns (and, for secrets, zeroizes) the returned array. */
    byte[] blob(String member) {
        String text = string(member);
        if (text == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw KmsException.validation(field(member), "Member must be valid base64-encoded binary data");
        }
    }

    byte[] requiredBlob(String member) {
        return required(member, blob(member));
    }

    /** A JSON object of string values, such as an encryption context. */
    Map<String, String> stringMap(String member) {
        JsonNode node = node(member);
        if (node == null) {
            return null;
        }
        String rule = "Member must be a map of strings to strings";
        if (!node.isObject()) {
            throw KmsException.validation(field(member), rule);
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw KmsException.validation(field(member), rule);
            }
            map.put(e.getKey(), e.getValue().textValue());
        }
        return map;
    }

    List<String> requiredStringList(String member) {
        JsonNode node = required(member, node(member));
        if (!node.isArray()) {
            throw KmsException.validation(field(member), "Member must be a list of strings");
        }
        List<String> list = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw KmsException.validation(field(member), "Member must be a list of strings");
            }
            list.add(item.textValue());
        }
        return list;
    }

    /** A list of {@code {TagKey, TagValue}}, as a map in request order; null when absent. */
    Map<String, String> tags(String member) {
        JsonNode node = node(member);
        if (node == null) {
            return null;
        }
        if (!node.isArray()) {
            throw KmsException.validation(field(member), "Member must be a list of {TagKey, TagValue} objects");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        int index = 1;
        for (JsonNode item : node) {
            if (!item.isObject()) {
                throw KmsException.validation(field(member) + "." + index + ".member", "Member must be a {TagKey, TagValue} object");
            }
            Requests tag = new Requests(item);
            String prefix = member + "." + index + ".member.";
            String key = required(prefix + "TagKey", tag.string("TagKey"));
            String value = required(prefix + "TagValue", tag.string("TagValue"));
            if (tags.put(key, value) != null) {
                throw new KmsException(ErrorCode.TAG, "Duplicate tag key '" + key + "' in the request.");
            }
            index++;
        }
        return tags;
    }

    Map<String, String> requiredTags(String member) {
        return required(member, tags(member));
    }

    boolean has(String member) {
        return node(member) != null;
    }

    /** A string that must be one of {@code allowed}; the message lists them, as AWS does. */
    String enumValue(String member, List<String> allowed) {
        String value = string(member);
        if (value != null && !allowed.contains(value)) {
            throw new KmsException(ErrorCode.VALIDATION, "1 validation error detected: Value '" + value + "' at '"
                    + field(member) + "' failed to satisfy constraint: Member must satisfy enum value set: " + allowed);
        }
        return value;
    }

    /** {@link #enumValue} over {@code type}'s constants, in their declared order. */
    <E extends Enum<E>> E enumValue(String member, Class<E> type) {
        List<String> allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
        String value = enumValue(member, allowed);
        return value == null ? null : Enum.valueOf(type, value);
    }

    private JsonNode node(String member) {
        JsonNode node = body.get(member);
        return node == null || node.isNull() ? null : node;
    }

    <T> T required(String path, T value) {
        if (value == null) {
            throw KmsException.validation(field(path), "Member must not be null");
        }
        return value;
    }

    /** AWS names members in validation messages in camelCase: {@code KeySpec} becomes {@code keySpec}. */
    static String field(String path) {
        StringBuilder out = new StringBuilder(path.length());
        for (String part : path.split("\\.", -1)) {
            if (!out.isEmpty()) {
                out.append('.');
            }
            out.append(part.isEmpty() ? part : part.substring(0, 1).toLowerCase(Locale.ROOT) + part.substring(1));
        }
        return out.toString();
    }
}
