package dev.kms.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.AuditEvent.Resource;
import dev.kms.core.audit.AuditEvent.UserIdentity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** An {@link AuditEvent} as CloudTrail writes a KMS event, and back. */
public final class AuditEventJson {
    static final ObjectMapper MAPPER = JsonMapper.builder().build();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private AuditEventJson() {
    }

    /** The CloudTrail record: field names and order as in a CloudTrail KMS event, absent values left out. */
    public static ObjectNode toJson(AuditEvent event) {
        ObjectNode node = JSON.objectNode();
        node.put("eventVersion", event.eventVersion());
        UserIdentity who = event.userIdentity();
        ObjectNode identity = node.putObject("userIdentity");
        identity.put("type", who.type());
        putIfPresent(identity, "principalId", who.principalId());
        putIfPresent(identity, "arn", who.arn());
        putIfPresent(identity, "accountId", who.accountId());
        putIfPresent(identity, "accessKeyId", who.accessKeyId());
        putIfPresent(identity, "userName", who.userName());
        putIfPresent(identity, "invokedBy", who.invokedBy());
        node.put("eventTime", event.eventTime().toString());
        node.put("eventSource", event.eventSource());
        node.put("eventName", event.eventName());
        node.put("awsRegion", event.awsRegion());
        putIfPresent(node, "sourceIPAddress", event.sourceIPAddress());
        putIfPresent(node, "userAgent", event.userAgent());
        putIfPresent(node, "errorCode", event.errorCode());
        putIfPresent(node, "errorMessage", event.errorMessage());
        node.set("requestParameters", tree(event.requestParameters()));
        node.set("responseElements", tree(event.responseElements()));
        node.put("requestID", event.requestID());
        node.put("eventID", event.eventID().toString());
        node.put("readOnly", event.readOnly());
        ArrayNode resources = node.putArray("resources");
        for (Resource resource : event.resources()) {
            ObjectNode r = resources.addObject();
            putIfPresent(r, "accountId", resource.accountId());
            r.put("type", resource.type());
            r.put("ARN", resource.arn());
        }
        // Constant for this service; CloudTrail consumers filter on them.
        node.put("eventType", "AwsApiCall");
        node.put("managementEvent", true);
        node.put("eventCategory", "Management");
        return node;
    }

    /** {@link #toJson(AuditEvent)} as UTF-8 bytes on one line. */
    public static byte[] toBytes(AuditEvent event) {
        try {
            return MAPPER.writeValueAsBytes(toJson(event));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit event is not serializable as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The event a {@link #toJson(AuditEvent)} record describes; throws IllegalArgumentException when malformed. */
    public static AuditEvent fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("audit event must be a JSON object");
        }
        JsonNode who = node.path("userIdentity");
        List<Resource> resources = new ArrayList<>();
        for (JsonNode r : node.path("resources")) {
            resources.add(new Resource(text(r, "accountId"), text(r, "type"), text(r, "ARN")));
        }
        return new AuditEvent(
                text(node, "eventVersion"),
                new UserIdentity(text(who, "type"), text(who, "principalId"), text(who, "arn"),
                        text(who, "accountId"), text(who, "accessKeyId"), text(who, "userName"),
                        text(who, "invokedBy")),
                instant(node, "eventTime"),
                text(node, "eventSource"),
                text(node, "eventName"),
                text(node, "awsRegion"),
                text(node, "sourceIPAddress"),
                text(node, "userAgent"),
                map(node.get("requestParameters")),
                map(node.get("responseElements")),
                text(node, "requestID"),
                uuid(node, "eventID"),
                node.path("readOnly").asBoolean(false),
                resources,
                text(node, "errorCode"),
                text(node, "errorMessage"));
    }

    private static JsonNode tree(Map<String, Object> map) {
        return map == null ? NullNode.instance : MAPPER.valueToTree(map);
    }

    private static Map<String, Object> map(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("requestParameters and responseElements must be objects or null");
        }
        return MAPPER.convertValue(node, MAP);
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Instant instant(JsonNode node, String field) {
        String value = text(node, field);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + " is not an ISO-8601 instant: " + value, e);
        }
    }

    private static UUID uuid(JsonNode node, String field) {
        String value = text(node, field);
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + " is not a UUID: " + value, e);
        }
    }
}
