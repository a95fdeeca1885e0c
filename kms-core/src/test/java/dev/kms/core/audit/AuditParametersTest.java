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
    void of_nestedIdentityObjects_keepIdentifiers_dropSecrets() {
        Map<String, Object> credentials = new LinkedHashMap<>();
        credentials.put("AccessKeyId", "ASIAEXAMPLE");
        credentials.put("SecretAccessKey", "s3cr3t");
        credentials.put("SessionToken", "t0k3n");
        credentials.put("Expiration", "2026-01-01T01:00:00+00:00");
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("Credentials", credentials);
        response.put("AssumedRoleUser", Map.of("Arn", "arn:aws:sts::111122223333:assumed-role/r/s"));
        assertEquals(Map.of("credentials", Map.of("accessKeyId", "ASIAEXAMPLE", "expiration", "2026-01-01T01:00:00+00:00"),
                        "assumedRoleUser", Map.of("arn", "arn:aws:sts::111122223333:assumed-role/r/s")),
                AuditParameters.of(response));
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
