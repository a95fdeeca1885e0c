package dev.kms.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.fake.FakePrincipalDirectory;
import dev.kms.core.fake.InMemoryAuditSink;
import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.fake.InMemoryMetadataStore;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Deployment;
import dev.kms.core.policy.PrincipalType;
import dev.kms.core.service.Kms;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One event per call, whatever its outcome, recorded before the answer, holding no secrets; fails closed. */
class AuditedKmsApiTest {
    private static final String ACCOUNT = "111122223333";
    private static final String ARN_PREFIX = "arn:aws:kms:eu-west-1:" + ACCOUNT + ":key/";
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Principal ALICE = new Principal(PrincipalType.USER, "arn:aws:iam::" + ACCOUNT + ":user/alice",
            ACCOUNT, "AIDAALICE", "alice", "AKIAALICE0000000000X");
    private static final RequestContext ROOT = new RequestContext(Principal.root("aws", ACCOUNT), null, "10.0.0.7",
            "kms-cli/test", "req-root");
    private static final String SECRET_TEXT = "the launch codes are 0000";

    private final InMemoryAuditSink sink = new InMemoryAuditSink();
    private KmsJsonApi raw;
    private AuditedKmsApi api;

    @BeforeEach
    void setUp() {
        Deployment deployment = new Deployment("aws", "eu-west-1", ACCOUNT);
        Kms kms = Kms.create(deployment, new InMemoryHsm(), new InMemoryMetadataStore(), new JsonPolicyParser(),
                new FakePrincipalDirectory(ACCOUNT).principal(ALICE.arn(),
                        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}}"),
                Clock.fixed(NOW, ZoneOffset.UTC));
        raw = new KmsJsonApi(kms);
        api = new AuditedKmsApi(raw, sink, deployment, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private ObjectNode call(RequestContext ctx, String operation, String json) {
        try {
            return api.call(ctx, operation, MAPPER.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private KmsException fails(RequestContext ctx, String operation, String json) {
        return assertThrows(KmsException.class, () -> call(ctx, operation, json));
    }

    private String createKey() {
        return call(ROOT, "CreateKey", "{}").get("KeyMetadata").get("KeyId").asText();
    }

    private AuditEvent last() {
        List<AuditEvent> events = sink.events();
        return events.get(events.size() - 1);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void encrypt_recordsOneEventWithTheCallerAndKey_andNoPlaintextOrCiphertext() {
        String keyId = createKey();
        RequestContext ctx = new RequestContext(ALICE, null, "192.0.2.1", "aws-cli/2", "req-1");
        int before = sink.events().size();

        ObjectNode response = call(ctx, "Encrypt", "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"" + b64(SECRET_TEXT)
                + "\",\"EncryptionContext\":{\"purpose\":\"test\"}}");

        assertEquals(before + 1, sink.events().size());
        AuditEvent event = last();
        assertEquals(new AuditEvent.UserIdentity("IAMUser", "AIDAALICE", ALICE.arn(), ACCOUNT, "AKIAALICE0000000000X",
                "alice"), event.userIdentity());
        assertEquals("Encrypt", event.eventName());
        assertEquals("kms.amazonaws.com", event.eventSource());
        assertEquals("eu-west-1", event.awsRegion());
        assertEquals("192.0.2.1", event.sourceIPAddress());
        assertEquals("aws-cli/2", event.userAgent());
        assertEquals("req-1", event.requestID());
        assertEquals(NOW, event.eventTime());
        assertTrue(event.readOnly());
        assertFalse(event.failed());
        assertEquals(List.of(AuditEvent.Resource.key(ACCOUNT, ARN_PREFIX + keyId)), event.resources());
        assertEquals(Map.of("keyId", keyId, "encryptionContext", Map.of("purpose", "test")), event.requestParameters());
        assertEquals(Map.of("keyId", ARN_PREFIX + keyId, "encryptionAlgorithm", "SYMMETRIC_DEFAULT"),
                event.responseElements());
        String all = event.toString();
        assertFalse(all.contains(b64(SECRET_TEXT)) || all.contains(SECRET_TEXT), "plaintext in the event");
        assertFalse(all.contains(response.get("CiphertextBlob").asText()), "ciphertext in the event");
    }

    @Test
    void decryptAndDataKeys_neverPutPlaintextCiphertextOrDataKeysInTheEvent() {
        String keyId = createKey();
        String blob = call(ROOT, "Encrypt", "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"" + b64(SECRET_TEXT) + "\"}")
                .get("CiphertextBlob").asText();
        ObjectNode decrypted = call(ROOT, "Decrypt", "{\"CiphertextBlob\":\"" + blob + "\"}");
        AuditEvent decrypt = last();
        ObjectNode dataKey = call(ROOT, "GenerateDataKey", "{\"KeyId\":\"" + keyId + "\",\"KeySpec\":\"AES_256\"}");
        AuditEvent generate = last();
        ObjectNode random = call(ROOT, "GenerateRandom", "{\"NumberOfBytes\":32}");
        AuditEvent generateRandom = last();

        assertEquals(List.of(AuditEvent.Resource.key(ACCOUNT, ARN_PREFIX + keyId)), decrypt.resources());
        assertEquals(List.of(AuditEvent.Resource.key(ACCOUNT, ARN_PREFIX + keyId)), generate.resources());
        assertEquals(Map.of("keyId", keyId, "keySpec", "AES_256"), generate.requestParameters());
        String events = sink.events().toString();
        for (String secret : List.of(b64(SECRET_TEXT), SECRET_TEXT, blob, decrypted.get("Plaintext").asText(),
                dataKey.get("Plaintext").asText(), dataKey.get("CiphertextBlob").asText(),
                random.get("Plaintext").asText())) {
            assertFalse(events.contains(secret), "secret in the events: " + secret);
        }
        assertTrue(generateRandom.readOnly());
        assertTrue(generateRandom.resources().isEmpty());
    }

    @Test
    void serviceError_isRecordedWithItsCodeAndTheKeyArnOfTheRequest() {
        String missing = ARN_PREFIX + "00000000-0000-0000-0000-000000000000";
        KmsException e = fails(ROOT, "DescribeKey", "{\"KeyId\":\"" + missing + "\"}");

        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertEquals(1, sink.events().size());
        AuditEvent event = last();
        assertEquals("NotFoundException", event.errorCode());
        assertEquals(e.getMessage(), event.errorMessage());
        assertNull(event.responseElements());
        assertEquals(List.of(AuditEvent.Resource.key(ACCOUNT, missing)), event.resources());
        assertEquals("req-root", event.requestID());
    }

    @Test
    void accessDenied_isRecorded() {
        String keyId = createKey();
        String readOnly = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"" + ACCOUNT + "\"},\"Action\":[\"kms:Describe*\",\"kms:Get*\"],\"Resource\":\"*\"}]}";
        ObjectNode put = MAPPER.createObjectNode().put("KeyId", keyId).put("Policy", readOnly)
                .put("BypassPolicyLockoutSafetyCheck", true);
        api.call(ROOT, "PutKeyPolicy", put);
        assertEquals(Map.of("keyId", keyId, "policy", readOnly, "bypassPolicyLockoutSafetyCheck", true),
                last().requestParameters());
        assertEquals(List.of(AuditEvent.Resource.key(ACCOUNT, ARN_PREFIX + keyId)), last().resources(),
                "a {} answer names the key of the request");
        int before = sink.events().size();

        KmsException e = fails(ROOT, "Encrypt", "{\"KeyId\":\"" + ARN_PREFIX + keyId + "\",\"Plaintext\":\""
                + b64(SECRET_TEXT) + "\"}");

        assertEquals(ErrorCode.ACCESS_DENIED, e.code());
        assertEquals(before + 1, sink.events().size());
        assertEquals("AccessDeniedException", last().errorCode());
        assertEquals("Encrypt", last().eventName());
        assertEquals(List.of(AuditEvent.Resource.key(ACCOUNT, ARN_PREFIX + keyId)), last().resources());
        assertFalse(last().toString().contains(b64(SECRET_TEXT)));
    }

    @Test
    void validationAndUnknownOperation_areRecorded() {
        KmsException validation = fails(ROOT, "Encrypt", "{\"Plaintext\":\"" + b64(SECRET_TEXT) + "\"}");
        assertEquals(ErrorCode.VALIDATION, validation.code());
        assertEquals("ValidationException", last().errorCode());
        assertTrue(last().resources().isEmpty());

        KmsException unknown = fails(ROOT, "FlyToTheMoon", "{}");
        assertEquals(ErrorCode.UNKNOWN_OPERATION, unknown.code());
        assertEquals("FlyToTheMoon", last().eventName());
        assertEquals(unknown.code().awsName(), last().errorCode());
        assertEquals(2, sink.events().size());
    }

    @Test
    void bareKeyIdOfACallAnsweringNothing_becomesTheKeyArnOfTheCallersAccount() {
        String keyId = createKey();
        call(ROOT, "DisableKey", "{\"KeyId\":\"" + keyId + "\"}");
        assertEquals(List.of(AuditEvent.Resource.key(ACCOUNT, ARN_PREFIX + keyId)), last().resources());
        assertFalse(last().readOnly());
        call(ROOT, "CreateAlias", "{\"AliasName\":\"alias/a\",\"TargetKeyId\":\"" + keyId + "\"}");
        assertEquals(List.of(AuditEvent.Resource.key(ACCOUNT, ARN_PREFIX + keyId)), last().resources());
        assertEquals(Map.of("aliasName", "alias/a", "targetKeyId", keyId), last().requestParameters());
    }

    @Test
    void readOnly_marksDescribeListGetAndCryptoOperations() {
        assertTrue(AuditedKmsApi.readOnly("DescribeKey"));
        assertTrue(AuditedKmsApi.readOnly("ListAliases"));
        assertTrue(AuditedKmsApi.readOnly("GetKeyPolicy"));
        assertTrue(AuditedKmsApi.readOnly("Decrypt"));
        assertFalse(AuditedKmsApi.readOnly("CreateKey"));
        assertFalse(AuditedKmsApi.readOnly("PutKeyPolicy"));
        assertFalse(AuditedKmsApi.readOnly("RotateKeyOnDemand"));
        assertFalse(AuditedKmsApi.readOnly(null));
    }

    @Test
    void unhealthyTrail_refusesBeforeAnythingIsDone() {
        sink.reportUnhealthy();

        KmsException e = fails(ROOT, "CreateKey", "{}");

        assertEquals(ErrorCode.INTERNAL, e.code());
        assertEquals("The audit trail cannot be written; the request was not performed.", e.getMessage());
        assertTrue(sink.events().isEmpty());
        assertEquals(0, raw.call(ROOT, "ListKeys", null).get("Keys").size(), "no key was created");
    }

    @Test
    void recordFailing_withholdsTheResult_andReplacesTheError() {
        String keyId = createKey();
        sink.failRecords();

        KmsException e = fails(ROOT, "Encrypt", "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"" + b64(SECRET_TEXT) + "\"}");
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertEquals("The audit trail cannot be written.", e.getMessage());

        KmsException failed = fails(ROOT, "DescribeKey", "{\"KeyId\":\"alias/missing\"}");
        assertSame(ErrorCode.INTERNAL, failed.code(), "the trail's error, not NotFound");
        assertEquals(ErrorCode.NOT_FOUND, ((KmsException) failed.getSuppressed()[0]).code());
    }

    @Test
    void refusedCredentials_recordOneFailedEvent_withTheKeyIdOnly() {
        KmsException refused = new KmsException(ErrorCode.ACCESS_DENIED,
                "The security token included in the request is invalid.");

        KmsException e = api.recordRefusedCredentials("AKIAUNKNOWN000000000", "Encrypt",
                json("{\"KeyId\":\"alias/a\",\"Plaintext\":\"" + b64(SECRET_TEXT) + "\"}"), "192.0.2.9", "cli",
                "req-9", refused);

        assertSame(refused, e);
        assertEquals(1, sink.events().size());
        AuditEvent event = last();
        assertEquals(new AuditEvent.UserIdentity("Unknown", null, null, null, "AKIAUNKNOWN000000000", null),
                event.userIdentity());
        assertEquals("Encrypt", event.eventName());
        assertEquals("AccessDeniedException", event.errorCode());
        assertEquals(refused.getMessage(), event.errorMessage());
        assertEquals("req-9", event.requestID());
        assertFalse(event.toString().contains(b64(SECRET_TEXT)), "plaintext in the event");
    }

    @Test
    void refusedCredentials_onABrokenTrail_failClosed() {
        sink.failRecords();
        KmsException refused = new KmsException(ErrorCode.ACCESS_DENIED, "invalid");

        KmsException e = api.recordRefusedCredentials("AKIAUNKNOWN000000000", "ListKeys", null, null, null, "r",
                refused);

        assertEquals(ErrorCode.INTERNAL, e.code());
        assertSame(refused, e.getSuppressed()[0]);
    }

    @Test
    void nullRequest_isRecordedWithNullParameters() {
        JsonNode response = api.call(ROOT, "ListKeys", null);
        assertTrue(response.get("Keys").isArray());
        assertNull(last().requestParameters());
        assertTrue(last().readOnly());
    }
}
