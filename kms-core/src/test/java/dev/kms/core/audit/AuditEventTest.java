package dev.kms.core.audit;

import dev.kms.core.audit.AuditEvent.UserIdentity;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditEventTest {

    @Test
    void builder_defaultsVersionSourceAndEventId() {
        AuditEvent event = SampleEvents.encrypt("alice", "k1", SampleEvents.T0);
        assertEquals(AuditEvent.EVENT_VERSION, event.eventVersion());
        assertEquals("kms.amazonaws.com", event.eventSource());
        assertEquals("AWS::KMS::Key", event.resources().get(0).type());
        assertFalse(event.failed());
        assertNull(event.responseElements());
    }

    @Test
    void failedCall_carriesErrorCodeAndMessage() {
        AuditEvent event = SampleEvents.deniedDeletion("bob", "k1", SampleEvents.T0);
        assertTrue(event.failed());
        assertEquals("AccessDeniedException", event.errorCode());
    }

    @Test
    void build_withoutEventName_namesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuditEvent.builder()
                .userIdentity(SampleEvents.user("alice")).eventTime(SampleEvents.T0).awsRegion("us-east-1")
                .requestID("r").build());
        assertEquals("eventName is required", e.getMessage());
    }

    @Test
    void build_withoutUserIdentity_fails() {
        assertThrows(IllegalArgumentException.class, () -> AuditEvent.builder().eventName("Encrypt")
                .eventTime(SampleEvents.T0).awsRegion("us-east-1").requestID("r").build());
    }

    @Test
    void requestParameters_areCopiedAndUnmodifiable_andMayHoldNulls() {
        Map<String, Object> params = new HashMap<>();
        params.put("keyId", "k1");
        params.put("grantTokens", null);
        AuditEvent event = AuditEvent.builder().userIdentity(new UserIdentity("Root", null, null, null, null, null))
                .eventTime(SampleEvents.T0).eventName("DescribeKey").awsRegion("us-east-1").requestID("r")
                .requestParameters(params).build();
        params.put("keyId", "changed");
        assertEquals("k1", event.requestParameters().get("keyId"));
        assertTrue(event.requestParameters().containsKey("grantTokens"));
        assertThrows(UnsupportedOperationException.class, () -> event.requestParameters().put("x", 1));
    }

    @Test
    void errorMessage_withoutErrorCode_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AuditEvent(AuditEvent.EVENT_VERSION,
                SampleEvents.user("alice"), SampleEvents.T0, AuditEvent.EVENT_SOURCE, "Encrypt", "us-east-1", null,
                null, null, null, "r", java.util.UUID.randomUUID(), true, null, null, "message"));
    }
}
