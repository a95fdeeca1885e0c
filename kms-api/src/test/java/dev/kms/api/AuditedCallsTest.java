package dev.kms.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.AuditParameters;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.fake.InMemoryAuditSink;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Deployment;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fail-closed order shared by every audited call, and the service's own events. */
class AuditedCallsTest {
    private static final String ACCOUNT = "111122223333";
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final RequestContext ROOT = new RequestContext(Principal.root("aws", ACCOUNT), null, "10.0.0.7",
            "kms-cli/test", "req-1");

    private final InMemoryAuditSink sink = new InMemoryAuditSink();
    private final AuditedCalls audit = new AuditedCalls(sink, new Deployment("aws", "eu-west-1", ACCOUNT),
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void call_success_recordsOneEventBeforeReturning() {
        String result = audit.call(audit.event(ROOT, "iam.amazonaws.com", "CreateUser"), () -> "done",
                (e, r) -> e.responseElements(Map.of("userName", r)), e -> { });

        assertEquals("done", result);
        AuditEvent event = sink.events().get(0);
        assertEquals(1, sink.events().size());
        assertEquals("iam.amazonaws.com", event.eventSource());
        assertEquals("CreateUser", event.eventName());
        assertEquals("Root", event.userIdentity().type());
        assertEquals("req-1", event.requestID());
        assertEquals("eu-west-1", event.awsRegion());
        assertEquals(NOW, event.eventTime());
        assertNull(event.errorCode());
    }

    @Test
    void parameters_keepAllowedMembersWithJsonValues_asJacksonConvertsThem() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode request = mapper.readTree("{\"KeyId\":\"alias/a\",\"Plaintext\":\"c2VjcmV0\",\"NumberOfBytes\":32,"
                + "\"EncryptionContext\":{\"k\":\"v\",\"n\":null},\"GrantTokens\":[\"t\",1.5,true,12345678901],"
                + "\"DryRun\":false,\"Credentials\":{\"AccessKeyId\":\"AKIA1\",\"SessionToken\":\"secret\"}}");

        Map<String, Object> kept = AuditedCalls.parameters(request);

        assertEquals(AuditParameters.of(mapper.convertValue(request, new TypeReference<Map<String, Object>>() {
        })), kept);
        assertEquals(List.of("keyId", "numberOfBytes", "encryptionContext", "grantTokens", "dryRun", "credentials"),
                List.copyOf(kept.keySet()));
        assertEquals(Map.of("accessKeyId", "AKIA1"), kept.get("credentials"));
        assertNull(AuditedCalls.parameters(mapper.readTree("[1]")));
    }

    @Test
    void call_failure_recordsTheErrorAndRethrowsIt() {
        KmsException denied = new KmsException(ErrorCode.ACCESS_DENIED, "no");

        KmsException thrown = assertThrows(KmsException.class, () -> audit.call(
                audit.event(ROOT, "iam.amazonaws.com", "CreateUser"), () -> {
                    throw denied;
                }, (e, r) -> { }, e -> { }));

        assertSame(denied, thrown);
        assertEquals("AccessDeniedException", sink.events().get(0).errorCode());
        assertEquals("no", sink.events().get(0).errorMessage());
    }

    @Test
    void call_withBrokenTrail_isRefusedBeforeTheWork() {
        sink.reportUnhealthy();
        AtomicBoolean ran = new AtomicBoolean();

        KmsException refused = assertThrows(KmsException.class, () -> audit.call(
                audit.event(ROOT, "iam.amazonaws.com", "CreateUser"), () -> ran.getAndSet(true), (e, r) -> { }, e -> { }));

        assertEquals(ErrorCode.INTERNAL, refused.code());
        assertFalse(ran.get());
    }

    @Test
    void call_whoseRecordFails_throwsTheTrailsErrorInsteadOfTheResult() {
        sink.failRecords();

        KmsException thrown = assertThrows(KmsException.class, () -> audit.call(
                audit.event(ROOT, "iam.amazonaws.com", "CreateUser"), () -> "done", (e, r) -> { }, e -> { }));

        assertEquals(ErrorCode.INTERNAL, thrown.code());
    }

    @Test
    void serviceWork_recordsTheServicesEvents_andIsRefusedWithABrokenTrail() {
        String arn = "arn:aws:kms:eu-west-1:" + ACCOUNT + ":key/k1";
        audit.serviceWork(() -> arn, key -> List.of(audit.serviceEvent("RotateKey", ACCOUNT, key)));

        AuditEvent event = sink.events().get(0);
        assertEquals("AWSService", event.userIdentity().type());
        assertEquals("kms.amazonaws.com", event.userIdentity().invokedBy());
        assertEquals(ACCOUNT, event.userIdentity().accountId());
        assertEquals("RotateKey", event.eventName());
        assertEquals(List.of(AuditEvent.Resource.key(ACCOUNT, arn)), event.resources());

        sink.reportUnhealthy();
        AtomicBoolean ran = new AtomicBoolean();
        assertThrows(KmsException.class, () -> audit.serviceWork(() -> ran.getAndSet(true), r -> List.of()));
        assertFalse(ran.get());
    }

    @Test
    void refused_recordsTheRefusal_andReturnsTheErrorOrTheTrails() {
        KmsException error = new KmsException(ErrorCode.ACCESS_DENIED, "bad key");
        AuditEvent.UserIdentity unknown = new AuditEvent.UserIdentity("Unknown", null, null, null, "AKIAX", null);

        assertSame(error, audit.refused(audit.event(unknown, null, "ua", "req-2", "kms.amazonaws.com", "Encrypt"), error));
        assertEquals("AccessDeniedException", sink.events().get(0).errorCode());

        sink.reportUnhealthy();
        KmsException broken = audit.refused(audit.event(unknown, null, "ua", "req-3", "kms.amazonaws.com", "Encrypt"), error);
        assertEquals(ErrorCode.INTERNAL, broken.code());
        assertTrue(List.of(broken.getSuppressed()).contains(error));
        assertEquals(1, sink.events().size());
    }
}
