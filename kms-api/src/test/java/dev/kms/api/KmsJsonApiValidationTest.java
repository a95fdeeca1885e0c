package dev.kms.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.fake.FakePrincipalDirectory;
import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.fake.InMemoryMetadataStore;
import dev.kms.core.model.Deployment;
import dev.kms.core.service.Kms;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every malformed request fails with a ValidationException that names the member, in AWS's camelCase. */
class KmsJsonApiValidationTest {
    private static final RequestContext ROOT = RequestContext.direct(Principal.root("aws", "111122223333"), null, null);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PLAINTEXT = "aGVsbG8="; // "hello"

    private KmsJsonApi api;
    private String keyId;

    @BeforeEach
    void setUp() {
        api = new KmsJsonApi(Kms.create(new Deployment("aws", "us-east-1", "111122223333"), new InMemoryHsm(),
                new InMemoryMetadataStore(), new JsonPolicyParser(), new FakePrincipalDirectory("111122223333"),
                Clock.systemUTC()));
        keyId = api.call(ROOT, "CreateKey", null).get("KeyMetadata").get("KeyId").asText();
    }

    /** Substitutes {@code KEY} with the test key's id, calls, and checks the error names {@code field}. */
    private KmsException assertValidation(String field, String operation, String json) {
        KmsException e = assertThrows(KmsException.class,
                () -> api.call(ROOT, operation, MAPPER.readTree(json.replace("KEY", keyId))));
        assertEquals(ErrorCode.VALIDATION, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("'" + field + "'"), e.getMessage());
        assertTrue(e.getMessage().startsWith("1 validation error detected: "), e.getMessage());
        return e;
    }

    // ---- wrong JSON types

    @Test
    void encrypt_withNonStringPlaintext_failsValidation() {
        assertValidation("plaintext", "Encrypt", "{\"KeyId\": \"KEY\", \"Plaintext\": 42}");
    }

    @Test
    void encrypt_withNonStringKeyId_failsValidation() {
        assertValidation("keyId", "Encrypt", "{\"KeyId\": [\"KEY\"], \"Plaintext\": \"" + PLAINTEXT + "\"}");
    }

    @Test
    void encrypt_withNonObjectEncryptionContext_failsValidation() {
        assertValidation("encryptionContext", "Encrypt",
                "{\"KeyId\": \"KEY\", \"Plaintext\": \"" + PLAINTEXT + "\", \"EncryptionContext\": \"a=1\"}");
    }

    @Test
    void encrypt_withNonStringEncryptionContextValue_failsValidation() {
        assertValidation("encryptionContext", "Encrypt",
                "{\"KeyId\": \"KEY\", \"Plaintext\": \"" + PLAINTEXT + "\", \"EncryptionContext\": {\"a\": 1}}");
    }

    @Test
    void decrypt_withNonObjectEncryptionContext_failsValidation() {
        assertValidation("encryptionContext", "Decrypt", "{\"CiphertextBlob\": \"AAAA\", \"EncryptionContext\": []}");
    }

    @Test
    void reEncrypt_withNonStringDestinationContextValue_failsValidation() {
        assertValidation("destinationEncryptionContext", "ReEncrypt", """
                {"CiphertextBlob": "AAAA", "DestinationKeyId": "KEY", "DestinationEncryptionContext": {"a": {"b": "c"}}}
                """);
    }

    @Test
    void generateDataKey_withStringNumberOfBytes_failsValidation() {
        assertValidation("numberOfBytes", "GenerateDataKey", "{\"KeyId\": \"KEY\", \"NumberOfBytes\": \"32\"}");
    }

    @Test
    void generateDataKey_withFractionalNumberOfBytes_failsValidation() {
        assertValidation("numberOfBytes", "GenerateDataKey", "{\"KeyId\": \"KEY\", \"NumberOfBytes\": 1.5}");
    }

    @Test
    void generateRandom_withNumberOfBytesBeyondInt_failsValidation() {
        assertValidation("numberOfBytes", "GenerateRandom", "{\"NumberOfBytes\": 4294967296}");
    }

    @Test
    void listKeys_withStringLimit_failsValidation() {
        assertValidation("limit", "ListKeys", "{\"Limit\": \"10\"}");
    }

    @Test
    void listAliases_withNonStringMarker_failsValidation() {
        assertValidation("marker", "ListAliases", "{\"Marker\": 5}");
    }

    @Test
    void scheduleKeyDeletion_withStringPendingWindow_failsValidation() {
        assertValidation("pendingWindowInDays", "ScheduleKeyDeletion", "{\"KeyId\": \"KEY\", \"PendingWindowInDays\": \"7\"}");
    }

    @Test
    void enableKeyRotation_withBooleanPeriod_failsValidation() {
        assertValidation("rotationPeriodInDays", "EnableKeyRotation", "{\"KeyId\": \"KEY\", \"RotationPeriodInDays\": true}");
    }

    @Test
    void createKey_withNonStringDescription_failsValidation() {
        assertValidation("description", "CreateKey", "{\"Description\": {}}");
    }

    @Test
    void createKey_withNonBooleanMultiRegion_failsValidation() {
        assertValidation("multiRegion", "CreateKey", "{\"MultiRegion\": \"false\"}");
    }

    @Test
    void createKey_withNonListTags_failsValidation() {
        assertValidation("tags", "CreateKey", "{\"Tags\": {\"TagKey\": \"a\", \"TagValue\": \"b\"}}");
    }

    @Test
    void createKey_withTagMissingTagValue_failsValidation() {
        assertValidation("tags.2.member.tagValue", "CreateKey",
                "{\"Tags\": [{\"TagKey\": \"a\", \"TagValue\": \"b\"}, {\"TagKey\": \"c\"}]}");
    }

    @Test
    void untagResource_withNonStringTagKeys_failsValidation() {
        assertValidation("tagKeys", "UntagResource", "{\"KeyId\": \"KEY\", \"TagKeys\": [1]}");
    }

    @Test
    void call_withNonObjectBody_failsValidation() {
        KmsException e = assertThrows(KmsException.class, () -> api.call(ROOT, "ListKeys", MAPPER.readTree("[]")));
        assertEquals(ErrorCode.VALIDATION, e.code());
    }

    @Test
    void call_withNonBooleanDryRun_failsValidation() {
        assertValidation("dryRun", "DisableKey", "{\"KeyId\": \"KEY\", \"DryRun\": \"yes\"}");
    }

    // ---- bad base64

    @Test
    void encrypt_withBadBase64Plaintext_failsValidation() {
        assertValidation("plaintext", "Encrypt", "{\"KeyId\": \"KEY\", \"Plaintext\": \"not base64!\"}");
    }

    @Test
    void decrypt_withBadBase64CiphertextBlob_failsValidation() {
        assertValidation("ciphertextBlob", "Decrypt", "{\"CiphertextBlob\": \"%%%\"}");
    }

    @Test
    void reEncrypt_withBadBase64CiphertextBlob_failsValidation() {
        assertValidation("ciphertextBlob", "ReEncrypt", "{\"CiphertextBlob\": \"A\", \"DestinationKeyId\": \"KEY\"}");
    }

    @Test
    void encrypt_withBadBase64Plaintext_doesNotEchoTheValue() {
        KmsException e = assertValidation("plaintext", "Encrypt", "{\"KeyId\": \"KEY\", \"Plaintext\": \"secret*value\"}");
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    // ---- missing required members

    @Test
    void encrypt_withoutPlaintext_failsValidation() {
        assertValidation("plaintext", "Encrypt", "{\"KeyId\": \"KEY\"}");
    }

    @Test
    void encrypt_withNullPlaintext_failsValidation() {
        assertValidation("plaintext", "Encrypt", "{\"KeyId\": \"KEY\", \"Plaintext\": null}");
    }

    @Test
    void encrypt_withoutKeyId_failsValidation() {
        assertValidation("keyId", "Encrypt", "{\"Plaintext\": \"" + PLAINTEXT + "\"}");
    }

    @Test
    void decrypt_withoutCiphertextBlob_failsValidation() {
        assertValidation("ciphertextBlob", "Decrypt", "{}");
    }

    @Test
    void reEncrypt_withoutDestinationKeyId_failsValidation() {
        assertValidation("destinationKeyId", "ReEncrypt", "{\"CiphertextBlob\": \"AAAA\"}");
    }

    @Test
    void describeKey_withoutKeyId_failsValidation() {
        assertValidation("keyId", "DescribeKey", "{}");
    }

    @Test
    void updateKeyDescription_withoutDescription_failsValidation() {
        assertValidation("description", "UpdateKeyDescription", "{\"KeyId\": \"KEY\"}");
    }

    @Test
    void tagResource_withoutTags_failsValidation() {
        assertValidation("tags", "TagResource", "{\"KeyId\": \"KEY\"}");
    }

    @Test
    void untagResource_withoutTagKeys_failsValidation() {
        assertValidation("tagKeys", "UntagResource", "{\"KeyId\": \"KEY\"}");
    }

    @Test
    void createAlias_withoutTargetKeyId_failsValidation() {
        assertValidation("targetKeyId", "CreateAlias", "{\"AliasName\": \"alias/x\"}");
    }

    @Test
    void deleteAlias_withoutAliasName_failsValidation() {
        assertValidation("aliasName", "DeleteAlias", "{}");
    }

    @Test
    void generateDataKey_withoutKeyId_failsValidation() {
        assertValidation("keyId", "GenerateDataKey", "{\"KeySpec\": \"AES_256\"}");
    }

    @Test
    void generateDataKey_withNeitherKeySpecNorNumberOfBytes_failsValidation() {
        assertValidation("keySpec", "GenerateDataKey", "{\"KeyId\": \"KEY\"}");
    }

    @Test
    void listKeyRotations_withoutKeyId_failsValidation() {
        assertValidation("keyId", "ListKeyRotations", "{}");
    }

    // ---- unknown enum values

    @Test
    void createKey_withUnknownKeySpec_failsValidation() {
        KmsException e = assertValidation("keySpec", "CreateKey", "{\"KeySpec\": \"AES_512\"}");
        assertTrue(e.getMessage().contains("Value 'AES_512' at 'keySpec' failed to satisfy constraint: "
                + "Member must satisfy enum value set: ["), e.getMessage());
    }

    @Test
    void createKey_withUnknownCustomerMasterKeySpec_failsValidation() {
        assertValidation("customerMasterKeySpec", "CreateKey", "{\"CustomerMasterKeySpec\": \"ML_DSA_44\"}");
    }

    @Test
    void createKey_withBothKeySpecAndCustomerMasterKeySpec_failsValidation() {
        assertValidation("customerMasterKeySpec", "CreateKey",
                "{\"KeySpec\": \"SYMMETRIC_DEFAULT\", \"CustomerMasterKeySpec\": \"SYMMETRIC_DEFAULT\"}");
    }

    @Test
    void createKey_withUnknownKeyUsage_failsValidation() {
        assertValidation("keyUsage", "CreateKey", "{\"KeyUsage\": \"ENCRYPT\"}");
    }

    @Test
    void createKey_withUnknownOrigin_failsValidation() {
        assertValidation("origin", "CreateKey", "{\"Origin\": \"SOFTHSM\"}");
    }

    @Test
    void encrypt_withUnknownEncryptionAlgorithm_failsValidation() {
        assertValidation("encryptionAlgorithm", "Encrypt",
                "{\"KeyId\": \"KEY\", \"Plaintext\": \"" + PLAINTEXT + "\", \"EncryptionAlgorithm\": \"AES_GCM\"}");
    }

    @Test
    void generateDataKey_withUnknownKeySpec_failsValidation() {
        KmsException e = assertValidation("keySpec", "GenerateDataKey", "{\"KeyId\": \"KEY\", \"KeySpec\": \"AES_512\"}");
        assertTrue(e.getMessage().endsWith("[AES_256, AES_128]"), e.getMessage());
    }

    @Test
    void generateDataKeyWithoutPlaintext_withUnknownKeySpec_failsValidation() {
        assertValidation("keySpec", "GenerateDataKeyWithoutPlaintext", "{\"KeyId\": \"KEY\", \"KeySpec\": \"RSA_2048\"}");
    }

    @Test
    void reEncrypt_withUnknownDestinationAlgorithm_failsValidation() {
        assertValidation("destinationEncryptionAlgorithm", "ReEncrypt",
                "{\"CiphertextBlob\": \"AAAA\", \"DestinationKeyId\": \"KEY\", \"DestinationEncryptionAlgorithm\": \"X\"}");
    }

    // ---- limits enforced by the core still name the member

    @Test
    void encrypt_withEmptyPlaintext_failsValidation() {
        assertValidation("plaintext", "Encrypt", "{\"KeyId\": \"KEY\", \"Plaintext\": \"\"}");
    }

    @Test
    void generateRandom_withTooManyBytes_failsValidation() {
        assertValidation("numberOfBytes", "GenerateRandom", "{\"NumberOfBytes\": 1025}");
    }
}
