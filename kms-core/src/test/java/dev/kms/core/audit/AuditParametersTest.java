package dev.kms.core.audit;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class AuditParametersTest {

    @Test
    void of_keepsAllowedMembers_underCloudTrailNames_inOrder() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("KeyId", "alias/app");
        request.put("EncryptionContext", Map.of("tenant", "t1"));
        request.put("NumberOfBytes", 32);
        request.put("GrantTokens", List.of("g"));
        assertEquals(List.of("keyId", "encryptionContext", "numberOfBytes", "grantTokens"),
                List.copyOf(AuditParameters.of(request).keySet()));
        assertEquals(32, AuditParameters.of(request).get("numberOfBytes"));
    }

    @Test
    void of_dropsEverySecretMember() {
        Map<String, Object> request = new LinkedHashMap<>();
        for (String secret : List.of("Plaintext", "CiphertextBlob", "SecretAccessKey", "SessionToken", "Pin",
                "UserPin", "SoPin", "Credentials", "Message", "Mac", "EncryptedKeyMaterial", "ImportToken",
                "CiphertextForRecipient", "Recipient", "SharedSecret", "PrivateKeyPlaintext")) {
            request.put(secret, "s3cr3t");
        }
        request.put("KeyId", "k1");
        assertEquals(Map.of("keyId", "k1"), AuditParameters.of(request));
    }

    @Test
    void of_dropsUnknownMembers_failingClosed() {
        assertEquals(Map.of(), AuditParameters.of(Map.of("SomeFutureMember", "value")));
    }

    @Test
    void of_nullResponse_isNull() {
        assertNull(AuditParameters.of(null));
    }
}
