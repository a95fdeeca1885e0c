package dev.kms.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.AuditEvent.Resource;
import dev.kms.core.audit.AuditEvent.UserIdentity;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** An {@link AuditEvent} as CloudTrail writes a KMS event, and back. */
public final class AuditEventJson {
    static final ObjectMapper MAPPER = JsonMapper.builder().build();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private AuditEventJson() {
    }

    /** The CloudTrail record: field names and order as in a CloudTrail KMS event, absent values left out. */
    public static ObjectNode toJson(AuditEvent event) {
        try {
            return (ObjectNode) MAPPER.readTree(toBytes(event));
        } catch (IOException e) {
            throw new IllegalStateException("an event's own bytes are JSON", e);
        }
    }

    /**
     * {@link #toJson(AuditEvent)} as UTF-8 bytes on one line, written straight from the event by a streaming
     * generator that each thread keeps with its buffer: every audited call pays for this, and building a tree, a
     * serializer provider or a generator per event cost more than writing it.
     */
    public static byte[] toBytes(AuditEvent event) {
        EventWriter writer = WRITERS.get();
        try {
            return writer.write(event);
        } catch (IOException | RuntimeException e) {
            WRITERS.remove(); // the generator may be mid-record; the next event starts a fresh one
            throw new IllegalArgumentException("audit event is not serializable as JSON: " + e.getMessage(), e);
        }
    }

    private static final ThreadLocal<EventWriter> WRITERS = ThreadLocal.withInitial(EventWriter::new);

    /** One thread's generator over its own reusable buffer; each event is one root value, taken and cleared. */
    private static final class EventWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        private final JsonGenerator json;

        EventWriter() {
            try {
                json = MAPPER.createGenerator(out);
            } catch (IOException e) {
                throw new IllegalStateException("a generator over memory cannot fail to open", e);
            }
            json.setRootValueSeparator(null); // events are separate lines, not a stream of values
        }

        byte[] write(AuditEvent event) throws IOException {
            out.reset();
            json.writeStartObject();
            writeText("eventVersion", event.eventVersion());
            UserIdentity who = event.userIdentity();
            json.writeObjectFieldStart("userIdentity");
            writeText("type", who.type());
            writeIfPresent("principalId", who.principalId());
            writeIfPresent("arn", who.arn());
            writeIfPresent("accountId", who.accountId());
            writeIfPresent("accessKeyId", who.accessKeyId());
            writeIfPresent("userName", who.userName());
            writeIfPresent("invokedBy", who.invokedBy());
            json.writeEndObject();
            json.writeStringField("eventTime", IsoInstant.format(event.eventTime()));
            writeText("eventSource", event.eventSource());
            writeText("eventName", event.eventName());
            writeText("awsRegion", event.awsRegion());
            writeIfPresent("sourceIPAddress", event.sourceIPAddress());
            writeIfPresent("userAgent", event.userAgent());
            writeIfPresent("errorCode", event.errorCode());
            writeIfPresent("errorMessage", event.errorMessage());
            json.writeFieldName("requestParameters");
            writeValue(event.requestParameters());
            json.writeFieldName("responseElements");
            writeValue(event.responseElements());
            writeText("requestID", event.requestID());
            json.writeStringField("eventID", event.eventID().toString());
            json.writeBooleanField("readOnly", event.readOnly());
            json.writeArrayFieldStart("resources");
            for (Resource resource : event.resources()) {
                json.writeStartObject();
                writeIfPresent("accountId", resource.accountId());
                writeText("type", resource.type());
                writeText("ARN", resource.arn());
                json.writeEndObject();
            }
            json.writeEndArray();
            // Constant for this service; CloudTrail consumers filter on them.
            json.writeStringField("eventType", "AwsApiCall");
            json.writeBooleanField("managementEvent", true);
            json.writeStringField("eventCategory", "Management");
            json.writeEndObject();
            json.flush();
            return out.toByteArray();
        }

        private void writeIfPresent(String field, String value) throws IOException {
            if (value != null) {
                writeText(field, value);
            }
        }

        private void writeText(String field, String value) throws IOException {
            json.writeStringField(field, wellFormed(value));
        }

        /** The JSON-like values of requestParameters and responseElements; anything else as Jackson writes it. */
        private void writeValue(Object value) throws IOException {
            if (value == null) {
                json.writeNull();
            } else if (value instanceof String text) {
                json.writeString(wellFormed(text));
            } else if (value instanceof Map<?, ?> map) {
                json.writeStartObject();
                for (Map.Entry<?, ?> member : map.entrySet()) {
                    json.writeFieldName(wellFormed(String.valueOf(member.getKey())));
                    writeValue(member.getValue());
                }
                json.writeEndObject();
            } else if (value instanceof List<?> list) {
                json.writeStartArray();
                for (Object item : list) {
                    writeValue(item);
                }
                json.writeEndArray();
            } else if (value instanceof Boolean bool) {
                json.writeBoolean(bool);
            } else if (value instanceof Integer || value instanceof Long) {
                json.writeNumber(((Number) value).longValue());
            } else if (value instanceof Double || value instanceof Float) {
                double number = ((Number) value).doubleValue();
                if (Double.isFinite(number)) {
                    json.writeNumber(number);
                } else {
                    json.writeString(String.valueOf(number)); // JSON has no NaN or Infinity; the reader refuses them
                }
            } else {
                json.writeObject(value); // other numbers, and whatever else a caller put in
            }
        }
    }

    /**
     * {@code text} with each unpaired UTF-16 surrogate replaced by U+FFFD. Jackson writes one as a JSON escape that
     * its own reader refuses in a member name, so a single such string in an event would leave the trail
     * unverifiable for good; the API edge refuses such input, and this keeps the writer safe from any other path.
     */
    static String wellFormed(String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return replaceUnpaired(text);
            }
        }
        return text;
    }

    private static String replaceUnpaired(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
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

    private static Map<String, Object> map(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("requestParameters and responseElements must be objects or null");
        }
        return MAPPER.convertValue(node, MAP);
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
