package dev.kms.audit;

import dev.kms.core.audit.AuditEvent.Resource;
import dev.kms.core.audit.AuditEvent.UserIdentity;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.AuditParameters;
import dev.kms.core.audit.AuditSinkContract;
import dev.kms.core.audit.SampleEvents;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.port.AuditSink;
import dev.kms.core.port.TrailSealer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileAuditTrailTest extends AuditSinkContract {
    @TempDir
    Path dir;
    private FileAuditTrail trail;

    @Override
    protected AuditSink sink() {
        if (trail == null) {
            trail = FileAuditTrail.open(dir, Trails.sealer(), Trails.options(1000, 1 << 20));
        }
        return trail;
    }

    @Override
    protected List<AuditEvent> readBack() {
        return Trails.readEvents(dir);
    }

    @AfterEach
    void closeTrail() {
        if (trail != null) {
            trail.close();
        }
    }

    @Test
    void everyField_roundTripsThroughTheFile() {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("keyMetadata", Map.of("keyId", "k1", "enabled", true, "creationDate", 1.7e9));
        AuditEvent full = new AuditEvent("1.08",
                new UserIdentity("AssumedRole", "AROAEXAMPLE:session", "arn:aws:sts::111122223333:assumed-role/r/s",
                        "111122223333", "ASIAEXAMPLE", "r", "backup.us-east-1.kms.local"),
                SampleEvents.T0.plusNanos(123_456_789), AuditEvent.EVENT_SOURCE, "CreateKey", "eu-west-1",
                "2001:db8::1", "aws-sdk-java/2.25 \"quoted\" \u00e9", Map.of("description", "d", "tags",
                List.of(Map.of("TagKey", "a", "TagValue", "b")), "pendingWindowInDays", 7L << 33),
                response, "req-1", UUID.randomUUID(), false,
                List.of(Resource.key("111122223333", SampleEvents.keyArn("k1")),
                        new Resource(null, "AWS::KMS::Key", SampleEvents.keyArn("k2"))),
                "LimitExceededException", "too many keys\nsecond line");
        AuditEvent minimal = AuditEvent.builder().userIdentity(new UserIdentity("Root", null, null, null, null, null))
                .eventTime(SampleEvents.T0).eventName("ListKeys").awsRegion("us-east-1").requestID("req-2").build();
        sink().record(full);
        sink().record(minimal);
        assertEquals(List.of(full, minimal), readBack());
    }

    @Test
    void record_afterClose_throwsInternal_andIsUnhealthy() {
        sink().record(SampleEvents.encrypt("alice", "k1", SampleEvents.T0));
        trail.close();
        KmsException e = assertThrows(KmsException.class,
                () -> trail.record(SampleEvents.encrypt("alice", "k1", SampleEvents.T0)));
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertFalse(trail.healthy());
    }

    @Test
    void record_unpairedSurrogatesAnywhere_stillVerifies_withReplacementCharacters() {
        // What a lenient UTF-8 decoder makes of F4 90 80 80 (beyond U+10FFFF): two lone low surrogates.
        String lone = "\uDC00\uDC00";
        AuditEvent event = AuditEvent.builder()
                .userIdentity(new UserIdentity("IAMUser", null, null, null, null, "u" + lone))
                .eventTime(SampleEvents.T0).eventName("Encrypt").awsRegion("us-east-1").requestID("req-" + lone)
                .userAgent("agent\uD800").requestParameters(Map.of("encryptionContext", Map.of(lone, "v" + lone),
                        "list", List.of("\uDBFF"), "pair", "\uD83D\uDE00", "ratio", Double.NaN))
                .error("InvalidCiphertextException", "end\uD800").build();
        sink().record(event);
        trail.close();

        assertEquals(List.of(), Trails.verify(dir).problems());
        AuditEvent read = readBack().get(0);
        assertEquals("u\uFFFD\uFFFD", read.userIdentity().userName());
        assertEquals("agent\uFFFD", read.userAgent());
        assertEquals(Map.of("\uFFFD\uFFFD", "v\uFFFD\uFFFD"), read.requestParameters().get("encryptionContext"));
        assertEquals(List.of("\uFFFD"), read.requestParameters().get("list"));
        assertEquals("\uD83D\uDE00", read.requestParameters().get("pair"), "a well-formed pair is kept");
        assertEquals("NaN", read.requestParameters().get("ratio"));
        assertEquals("end\uFFFD", read.errorMessage());
    }

    @Test
    void record_whenTheTrailDirectoryWasRemoved_throwsInternal_andStaysUnhealthy() throws IOException {
        sink().record(SampleEvents.encrypt("alice", "k1", SampleEvents.T0));
        for (Path file : Trails.files(dir)) {
            Files.delete(file);
        }
        Files.delete(dir);
        KmsException e = assertThrows(KmsException.class,
                () -> trail.record(SampleEvents.encrypt("alice", "k1", SampleEvents.T0)));
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertEquals("The audit trail cannot be written.", e.getMessage());
        assertFalse(trail.healthy());
        Files.createDirectories(dir);
        assertThrows(KmsException.class, () -> trail.record(SampleEvents.encrypt("alice", "k1", SampleEvents.T0)),
                "a failed trail stays failed until reopened");
    }

    @Test
    void record_whenTheCurrentFileWasReplaced_throwsInternal() throws IOException {
        sink().record(SampleEvents.encrypt("alice", "k1", SampleEvents.T0));
        Path current = Trails.files(dir).get(0);
        Path moved = dir.resolve("moved");
        Files.move(current, moved);
        Files.copy(moved, current);
        assertThrows(KmsException.class, () -> trail.record(SampleEvents.encrypt("alice", "k1", SampleEvents.T0)));
        assertFalse(trail.healthy());
    }

    @Test
    void open_onAnUnwritablePath_throwsInternal() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        KmsException e = assertThrows(KmsException.class, () -> FileAuditTrail.open(file, Trails.sealer()));
        assertEquals(ErrorCode.INTERNAL, e.code());
    }

    @Test
    void idleTrail_sealsItsTailAfterTheSealInterval() {
        trail = FileAuditTrail.open(dir, Trails.sealer(), Trails.options(1000, 1 << 20)
                .withSealInterval(java.time.Duration.ofMillis(50)));
        trail.record(SampleEvents.encrypt("alice", "k1", SampleEvents.T0));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!Trails.verify(dir).problems(AuditVerifier.Kind.UNSEALED_TAIL).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "tail not sealed within 10 s");
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        assertEquals(List.of(), Trails.verify(dir).problems());
    }

    @Test
    void failingSealer_leavesEventsDurableButUnsealed_andTheTrailHealthy() {
        TrailSealer broken = new TrailSealer() {
            @Override
            public byte[] seal(byte[] digest) {
                throw new KmsException(ErrorCode.KEY_UNAVAILABLE, "seal key unavailable");
            }

            @Override
            public boolean verify(byte[] digest, byte[] seal) {
                return false;
            }

            @Override
            public String keyId() {
                return "broken";
            }
        };
        trail = FileAuditTrail.open(dir, broken, Trails.options(1, 1 << 20));
        trail.record(SampleEvents.encrypt("alice", "k1", SampleEvents.T0));
        assertTrue(trail.healthy());
        trail.close();
        assertEquals(1, Trails.readEvents(dir).size());
        AuditVerifier.Report report = Trails.verify(dir);
        assertTrue(report.intact(), report.problems()::toString);
        assertTrue(report.problems(AuditVerifier.Kind.UNSEALED_TAIL).get(0).message().startsWith("unsealed tail: 2 records"));
    }

    @Test
    void reopenedTrail_continuesTheChainInANewFile() {
        Trails.write(dir, Trails.events(2), Trails.options(1000, 1 << 20));
        FileAuditTrail.Head second = Trails.write(dir, Trails.events(2), Trails.options(1000, 1 << 20));
        assertEquals(2, Trails.files(dir).size());
        AuditVerifier.Report report = AuditVerifier.with(Trails.sealer()).verify(dir, second);
        assertEquals(List.of(), report.problems());
        assertEquals(4, report.events());
    }

    @Test
    void concurrentCallers_allRecorded_intact() throws Exception {
        sink();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                futures.add(pool.submit(() -> Trails.events(50).forEach(trail::record)));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        trail.close();
        assertEquals(800, Trails.readEvents(dir).size());
        assertTrue(trail.syncCount() <= 800 + 2, "at most one force per event, plus open and close");
        assertEquals(List.of(), Trails.verify(dir).problems());
    }

    @Test
    void secretsInRequestsAndResponses_neverReachTheFiles() throws IOException {
        List<String> secrets = List.of("plaintext-attack-at-dawn", "AQIDAHhBlobOfCiphertext", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "FwoGZXIvYXdzEJr-session-token", "1234-user-pin", "5678-so-pin", "data-key-bytes-0123456789abcdef");
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("KeyId", "k1");
        request.put("Plaintext", b64(secrets.get(0)));
        request.put("CiphertextBlob", secrets.get(1));
        request.put("SecretAccessKey", secrets.get(2));
        request.put("SessionToken", secrets.get(3));
        request.put("Pin", secrets.get(4));
        request.put("SoPin", secrets.get(5));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("KeyId", SampleEvents.keyArn("k1"));
        response.put("Plaintext", b64(secrets.get(6)));
        response.put("CiphertextBlob", secrets.get(1));
        response.put("Credentials", Map.of("SecretAccessKey", secrets.get(2), "SessionToken", secrets.get(3)));
        for (String operation : List.of("Encrypt", "Decrypt", "GenerateDataKey", "AssumeRole", "CreateAccessKey")) {
            sink().record(AuditEvent.builder().userIdentity(SampleEvents.user("alice")).eventTime(SampleEvents.T0)
                    .eventName(operation).awsRegion("us-east-1").requestID(UUID.randomUUID().toString())
                    .requestParameters(AuditParameters.of(request)).responseElements(AuditParameters.of(response))
                    .build());
        }
        trail.close();

        StringBuilder all = new StringBuilder();
        for (Path file : Trails.files(dir)) {
            all.append(Files.readString(file, StandardCharsets.UTF_8));
        }
        assertTrue(all.toString().contains("\"keyId\":\"k1\""), "allowed members are kept");
        for (String secret : secrets) {
            assertFalse(all.toString().contains(secret), secret);
            assertFalse(all.toString().contains(b64(secret)), "base64 of " + secret);
        }
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
