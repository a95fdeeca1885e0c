package dev.kms.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.audit.AuditLookup.LookupAttribute;
import dev.kms.audit.AuditLookup.Query;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.SampleEvents;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditLookupTest {
    @TempDir
    Path dir;
    private final List<AuditEvent> written = new ArrayList<>();

    @BeforeEach
    void writeTrail() {
        for (int i = 0; i < 10; i++) {
            Instant at = SampleEvents.T0.plusSeconds(60L * i);
            written.add(i % 4 == 3 ? SampleEvents.deniedDeletion("bob", "k" + (i % 2), at)
                    : SampleEvents.encrypt("alice", "k" + (i % 2), at));
        }
        Trails.write(dir, written, Trails.options(3, 2000));
    }

    private List<String> eventIds(ObjectNode result) {
        List<String> ids = new ArrayList<>();
        result.get("Events").forEach(e -> ids.add(e.get("EventId").asText()));
        return ids;
    }

    private List<String> expectedIds(java.util.function.Predicate<AuditEvent> filter) {
        List<String> ids = new ArrayList<>();
        for (int i = written.size() - 1; i >= 0; i--) {
            if (filter.test(written.get(i))) {
                ids.add(written.get(i).eventID().toString());
            }
        }
        return ids;
    }

    private ObjectNode lookup(String key, String value) {
        return AuditLookup.of(dir).lookupEvents(new Query(List.of(new LookupAttribute(key, value)), null, null, null, null));
    }

    @Test
    void all_newestFirst_inCloudTrailShape() {
        ObjectNode result = AuditLookup.of(dir).lookupEvents(Query.all());
        assertEquals(expectedIds(e -> true), eventIds(result));
        assertFalse(result.has("NextToken"));
        JsonNode first = result.get("Events").get(0);
        AuditEvent newest = written.get(written.size() - 1);
        assertEquals(newest.eventName(), first.get("EventName").asText());
        assertEquals(newest.eventTime().toString(), first.get("EventTime").asText());
        assertEquals("alice", first.get("Username").asText());
        assertEquals("AWS::KMS::Key", first.get("Resources").get(0).get("ResourceType").asText());
        assertEquals(newest.resources().get(0).arn(), first.get("Resources").get(0).get("ResourceName").asText());
        assertEquals(newest, AuditEventJson.fromJson(Trails.read(first.get("CloudTrailEvent").asText())));
    }

    @Test
    void byResourceName_acceptsKeyIdOrArn() {
        List<String> expected = expectedIds(e -> e.resources().get(0).arn().endsWith("/k1"));
        assertEquals(expected, eventIds(lookup("ResourceName", "k1")));
        assertEquals(expected, eventIds(lookup("ResourceName", SampleEvents.keyArn("k1"))));
        assertEquals(List.of(), eventIds(lookup("ResourceName", "k9")));
    }

    @Test
    void byUsername_acceptsNameOrPrincipalArn() {
        List<String> expected = expectedIds(e -> e.userIdentity().userName().equals("bob"));
        assertEquals(expected, eventIds(lookup("Username", "bob")));
        assertEquals(expected, eventIds(lookup("Username", SampleEvents.BOB_ARN)));
    }

    @Test
    void byEventName_andReadOnly() {
        assertEquals(expectedIds(e -> e.eventName().equals("ScheduleKeyDeletion")),
                eventIds(lookup("EventName", "ScheduleKeyDeletion")));
        assertEquals(expectedIds(e -> !e.readOnly()), eventIds(lookup("ReadOnly", "false")));
    }

    @Test
    void byTimeRange_inclusive() {
        Instant start = SampleEvents.T0.plusSeconds(120);
        Instant end = SampleEvents.T0.plusSeconds(300);
        ObjectNode result = AuditLookup.of(dir).lookupEvents(new Query(List.of(), start, end, null, null));
        assertEquals(expectedIds(e -> !e.eventTime().isBefore(start) && !e.eventTime().isAfter(end)), eventIds(result));
        assertEquals(4, eventIds(result).size());
    }

    @Test
    void maxResults_pagesWithNextToken_untilExhausted() {
        List<String> seen = new ArrayList<>();
        String token = null;
        do {
            ObjectNode page = AuditLookup.of(dir).lookupEvents(new Query(List.of(), null, null, 3, token));
            assertTrue(page.get("Events").size() <= 3);
            seen.addAll(eventIds(page));
            token = page.has("NextToken") ? page.get("NextToken").asText() : null;
        } while (token != null);
        assertEquals(expectedIds(e -> true), seen);
    }

    @Test
    void unknownAttributeKey_isAValidationError() {
        KmsException e = assertThrows(KmsException.class, () -> new LookupAttribute("Color", "blue"));
        assertEquals(ErrorCode.VALIDATION, e.code());
        assertTrue(e.getMessage().contains("LookupAttributes.AttributeKey"));
    }

    @Test
    void badMaxResultsOrToken_areValidationErrors() {
        assertEquals(ErrorCode.VALIDATION, assertThrows(KmsException.class,
                () -> new Query(List.of(), null, null, 51, null)).code());
        assertEquals(ErrorCode.VALIDATION, assertThrows(KmsException.class,
                () -> AuditLookup.of(dir).lookupEvents(new Query(List.of(), null, null, null, "garbage!"))).code());
    }
}
