package dev.kms.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.AuditEvent.Resource;
import dev.kms.core.error.KmsException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Finds events in a trail as {@code aws cloudtrail lookup-events} does: by lookup attributes and a time range,
 * newest first, at most MaxResults per page with a NextToken. Reads the files as they are; run
 * {@link AuditVerifier} to know whether they can be trusted.
 */
public final class AuditLookup {
    /** CloudTrail's page size limit and default. */
    public static final int MAX_RESULTS = 50;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    // CloudTrail's AttributeKey values; Username also matches the principal's ARN.
    private static final Map<String, BiPredicate<AuditEvent, String>> ATTRIBUTES = Map.of(
            "EventId", (e, v) -> e.eventID().toString().equalsIgnoreCase(v),
            "EventName", (e, v) -> e.eventName().equals(v),
            "ReadOnly", (e, v) -> Boolean.toString(e.readOnly()).equalsIgnoreCase(v),
            "Username", (e, v) -> v.equals(e.userIdentity().userName()) || v.equals(e.userIdentity().arn()),
            "AccessKeyId", (e, v) -> v.equals(e.userIdentity().accessKeyId()),
            "EventSource", (e, v) -> e.eventSource().equals(v),
            "ResourceType", (e, v) -> e.resources().stream().anyMatch(r -> r.type().equals(v)),
            "ResourceName", (e, v) -> e.resources().stream().anyMatch(r -> namesKey(r, v)));

    private final Path dir;

    private AuditLookup(Path dir) {
        this.dir = dir;
    }

    /** Looks up events in the trail under {@code dir}. */
    public static AuditLookup of(Path dir) {
        return new AuditLookup(dir);
    }

    /** One {@code AttributeKey=...,AttributeValue=...} pair. */
    public record LookupAttribute(String key, String value) {
        public LookupAttribute {
            if (key == null || !ATTRIBUTES.containsKey(key)) {
                throw KmsException.validation("LookupAttributes.AttributeKey",
                        "Member must satisfy enum value set: " + new java.util.TreeSet<>(ATTRIBUTES.keySet()));
            }
            if (value == null || value.isEmpty()) {
                throw KmsException.validation("LookupAttributes.AttributeValue", "Member must have length >= 1");
            }
        }
    }

    /**
     * A query. All attributes must match (CloudTrail accepts one; more narrow the result). Times are
     * inclusive and optional; {@code maxResults} null means {@value #MAX_RESULTS}.
     */
    public record Query(List<LookupAttribute> attributes, Instant startTime, Instant endTime, Integer maxResults,
                        String nextToken) {
        public Query {
            attributes = attributes == null ? List.of() : List.copyOf(attributes);
            if (maxResults != null && (maxResults < 1 || maxResults > MAX_RESULTS)) {
                throw KmsException.validation("MaxResults", "Member must be between 1 and " + MAX_RESULTS);
            }
            if (startTime != null && endTime != null && startTime.isAfter(endTime)) {
                throw KmsException.validation("StartTime", "Member must not be after EndTime");
            }
        }

        public static Query all() {
            return new Query(List.of(), null, null, null, null);
        }
    }

    /** {@code {"Events":[...], "NextToken":...}} in CloudTrail's LookupEvents shape. */
    public ObjectNode lookupEvents(Query query) {
        long before = query.nextToken() == null ? Long.MAX_VALUE : decodeToken(query.nextToken());
        int limit = query.maxResults() == null ? MAX_RESULTS : query.maxResults();
        // The newest limit + 1 matches below the token; the extra one tells whether there is a next page.
        Deque<Match> newest = new ArrayDeque<>();
        try {
            for (Path file : TrailFormat.trailFiles(dir)) {
                scan(file, query, before, limit + 1, newest);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read audit trail " + dir, e);
        }
        ObjectNode result = JSON.objectNode();
        ArrayNode events = result.putArray("Events");
        Iterator<Match> newestFirst = newest.descendingIterator();
        for (int i = 0; i < limit && newestFirst.hasNext(); i++) {
            events.add(cloudTrailEntry(newestFirst.next()));
        }
        if (newest.size() > limit) {
            result.put("NextToken", encodeToken(newest.peekFirst().seq() + 1));
        }
        return result;
    }

    private void scan(Path file, Query query, long before, int keep, Deque<Match> newest) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                JsonNode node = parse(line);
                if (node == null || !node.has("event") || node.path("seq").asLong(Long.MAX_VALUE) >= before) {
                    continue;
                }
                AuditEvent event;
                try {
                    event = AuditEventJson.fromJson(node.get("event"));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (matches(event, query)) {
                    newest.addLast(new Match(node.get("seq").asLong(), event, node.get("event")));
                    if (newest.size() > keep) {
                        newest.removeFirst();
                    }
                }
            }
        }
    }

    private static boolean matches(AuditEvent event, Query query) {
        if (query.startTime() != null && event.eventTime().isBefore(query.startTime())) {
            return false;
        }
        if (query.endTime() != null && event.eventTime().isAfter(query.endTime())) {
            return false;
        }
        return query.attributes().stream().allMatch(a -> ATTRIBUTES.get(a.key()).test(event, a.value()));
    }

    /** A key is named by its ARN or by its key id. */
    private static boolean namesKey(Resource resource, String value) {
        return resource.arn().equals(value) || resource.arn().endsWith(":key/" + value);
    }

    private static ObjectNode cloudTrailEntry(Match match) {
        AuditEvent event = match.event();
        ObjectNode entry = JSON.objectNode();
        entry.put("EventId", event.eventID().toString());
        entry.put("EventName", event.eventName());
        entry.put("ReadOnly", Boolean.toString(event.readOnly()));
        if (event.userIdentity().accessKeyId() != null) {
            entry.put("AccessKeyId", event.userIdentity().accessKeyId());
        }
        entry.put("EventTime", event.eventTime().toString());
        entry.put("EventSource", event.eventSource());
        String user = event.userIdentity().userName() != null ? event.userIdentity().userName() : event.userIdentity().arn();
        if (user != null) {
            entry.put("Username", user);
        }
        ArrayNode resources = entry.putArray("Resources");
        for (Resource resource : event.resources()) {
            resources.addObject().put("ResourceType", resource.type()).put("ResourceName", resource.arn());
        }
        entry.put("CloudTrailEvent", match.json().toString());
        return entry;
    }

    private static JsonNode parse(String line) {
        try {
            return AuditEventJson.MAPPER.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    private static String encodeToken(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("seq:" + seq).getBytes(StandardCharsets.UTF_8));
    }

    private static long decodeToken(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.toLowerCase(Locale.ROOT).startsWith("seq:")) {
                return Long.parseLong(text.substring(4));
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw KmsException.validation("NextToken", "Member must be a token returned by a previous LookupEvents");
    }

    private record Match(long seq, AuditEvent event, JsonNode json) {
    }
}
