package dev.kms.core.audit;

import dev.kms.core.audit.AuditEvent.Resource;
import dev.kms.core.audit.AuditEvent.UserIdentity;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Realistic audit events for tests of sinks, verifiers and lookups. */
public final class SampleEvents {
    public static final String ACCOUNT = "111122223333";
    public static final String ALICE_ARN = "arn:aws:iam::111122223333:user/alice";
    public static final String BOB_ARN = "arn:aws:iam::111122223333:user/bob";
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private SampleEvents() {
    }

    public static String keyArn(String keyId) {
        return "arn:aws:kms:us-east-1:" + ACCOUNT + ":key/" + keyId;
    }

    public static UserIdentity user(String name) {
        return new UserIdentity("IAMUser", "AIDA" + name.toUpperCase(), "arn:aws:iam::" + ACCOUNT + ":user/" + name,
                ACCOUNT, "AKIA" + name.toUpperCase() + "EXAMPLE", name);
    }

    /** A successful Encrypt by {@code user} on {@code keyId} at {@code time}. */
    public static AuditEvent encrypt(String user, String keyId, Instant time) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("KeyId", keyId);
        request.put("Plaintext", "c2VjcmV0");
        request.put("EncryptionContext", Map.of("purpose", "test"));
        request.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        return callOnKey(user, keyId, time, "Encrypt")
                .sourceIPAddress("192.0.2.10")
                .userAgent("aws-cli/2.17.0")
                .requestParameters(AuditParameters.of(request))
                .readOnly(true)
                .build();
    }

    /** A denied ScheduleKeyDeletion: a failed, mutating call. */
    public static AuditEvent deniedDeletion(String user, String keyId, Instant time) {
        return callOnKey(user, keyId, time, "ScheduleKeyDeletion")
                .sourceIPAddress("192.0.2.11")
                .userAgent("kms-cli/0.1.0")
                .requestParameters(AuditParameters.of(Map.of("KeyId", keyId, "PendingWindowInDays", 7)))
                .readOnly(false)
                .error("AccessDeniedException", "User: arn:aws:iam::" + ACCOUNT + ":user/" + user
                        + " is not authorized to perform: kms:ScheduleKeyDeletion")
                .build();
    }

    /** What every sample call shares: {@code user} calling {@code eventName} on {@code keyId} in us-east-1. */
    private static AuditEvent.Builder callOnKey(String user, String keyId, Instant time, String eventName) {
        return AuditEvent.builder()
                .userIdentity(user(user))
                .eventTime(time)
                .eventName(eventName)
                .awsRegion("us-east-1")
                .requestID(UUID.randomUUID().toString())
                .resources(List.of(Resource.key(ACCOUNT, keyArn(keyId))));
    }
}
