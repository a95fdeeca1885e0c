package dev.kms.audit;

import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.AuditEvent.Resource;
import dev.kms.core.audit.AuditEvent.UserIdentity;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The exact CloudTrail line of an event, and the way back. */
class AuditEventJsonTest {
    static final String ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    static AuditEvent.Builder encrypt() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("keyId", "alias/app");
        request.put("encryptionContext", Map.of("dept", "a\"b\u00e9"));
        request.put("grantTokens", List.of("t1", "t2"));
        request.put("numberOfBytes", 32);
        return AuditEvent.builder()
                .userIdentity(new UserIdentity("IAMUser", "AIDAEXAMPLE", "arn:aws:iam::111122223333:user/alice",
                        "111122223333", "AKIAEXAMPLE", "alice", null))
                .eventTime(Instant.parse("2025-03-04T05:06:07.123Z"))
                .eventName("Encrypt")
                .awsRegion("us-east-1")
                .sourceIPAddress("127.0.0.1")
                .userAgent("aws-sdk-java/2")
                .requestParameters(request)
                .responseElements(null)
                .requestID("req-1")
                .eventID(UUID.fromString("00000000-0000-4000-8000-000000000001"))
                .readOnly(true)
                .resources(List.of(Resource.key("111122223333", ARN)));
    }

    @Test
    void toBytes_writesTheCloudTrailFieldsInOrder_leavingAbsentOnesOut() {
        String line = new String(AuditEventJson.toBytes(encrypt().build()), StandardCharsets.UTF_8);
        assertEquals("{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDAEXAMPLE\","
                + "\"arn\":\"arn:aws:iam::111122223333:user/alice\",\"accountId\":\"111122223333\","
                + "\"accessKeyId\":\"AKIAEXAMPLE\",\"userName\":\"alice\"},\"eventTime\":\"2025-03-04T05:06:07.123Z\","
                + "\"eventSource\":\"kms.amazonaws.com\",\"eventName\":\"Encrypt\",\"awsRegion\":\"us-east-1\","
                + "\"sourceIPAddress\":\"127.0.0.1\",\"userAgent\":\"aws-sdk-java/2\",\"requestParameters\":"
                + "{\"keyId\":\"alias/app\",\"encryptionContext\":{\"dept\":\"a\\\"b\u00e9\"},\"grantTokens\":[\"t1\","
                + "\"t2\"],\"numberOfBytes\":32},\"responseElements\":null,\"requestID\":\"req-1\","
                + "\"eventID\":\"00000000-0000-4000-8000-000000000001\",\"readOnly\":true,\"resources\":"
                + "[{\"accountId\":\"111122223333\",\"type\":\"AWS::KMS::Key\",\"ARN\":\"" + ARN + "\"}],"
                + "\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"eventCategory\":\"Management\"}", line);
    }

    @Test
    void errors_areWritten_andEveryEventReadsBackEqual() {
        AuditEvent failed = encrypt().error("NotFoundException", "Alias alias/app is not found.")
                .responseElements(Map.of("keyId", ARN)).build();
        String line = new String(AuditEventJson.toBytes(failed), StandardCharsets.UTF_8);
        assertEquals(true, line.contains("\"userAgent\":\"aws-sdk-java/2\",\"errorCode\":\"NotFoundException\","
                + "\"errorMessage\":\"Alias alias/app is not found.\",\"requestParameters\""), line);
        assertEquals(failed, AuditEventJson.fromJson(AuditEventJson.toJson(failed)));
        AuditEvent plain = encrypt().build();
        assertEquals(plain, AuditEventJson.fromJson(AuditEventJson.toJson(plain)));
    }

    @Test
    void anUnwritableEvent_failsAlone_andTheThreadsNextEventIsWhole() {
        byte[] before = AuditEventJson.toBytes(encrypt().build());
        AuditEvent unwritable = encrypt().requestParameters(Map.of("keyId", new Object())).build();
        assertThrows(IllegalArgumentException.class, () -> AuditEventJson.toBytes(unwritable));
        assertArrayEquals(before, AuditEventJson.toBytes(encrypt().build()));
    }
}
