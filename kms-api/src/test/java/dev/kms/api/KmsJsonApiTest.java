package dev.kms.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.fake.FakePrincipalDirectory;
import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.fake.InMemoryMetadataStore;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Deployment;
import dev.kms.core.operation.KmsOperation;
import dev.kms.core.service.Kms;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round trips of every operation through JSON, checked against the AWS response shapes. */
class KmsJsonApiTest {
    private static final RequestContext ROOT = RequestContext.direct(Principal.root("aws", "111122223333"), null, null);
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Has milliseconds, so timestamps must come out as fractional epoch seconds. */
    static final Instant NOW = Instant.parse("2024-11-14T22:13:20.123Z");
    static final String NOW_SECONDS = "1731622400.123";
    static final String ARN_PREFIX = "arn:aws:kms:us-east-1:111122223333:";

    KmsJsonApi api;

    @BeforeEach
    void setUp() {
        Kms kms = Kms.create(new Deployment("aws", "us-east-1", "111122223333"), new InMemoryHsm(),
                new InMemoryMetadataStore(), new JsonPolicyParser(), new FakePrincipalDirectory("111122223333"),
                Clock.fixed(NOW, ZoneOffset.UTC));
        api = new KmsJsonApi(kms);
    }

    /** Calls the operation and passes the response through its wire form, as a client would see it. */
    JsonNode call(String operation, String json) {
        try {
            ObjectNode response = api.call(ROOT, operation, MAPPER.readTree(json));
            return MAPPER.readTree(MAPPER.writeValueAsString(response));
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    String createKey() {
        return call("CreateKey", "{}").get("KeyMetadata").get("KeyId").asText();
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String text(JsonNode base64) {
        return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
    }

    static void assertTimestamp(JsonNode node) {
        assertTrue(node.isNumber(), "timestamp must be a JSON number: " + node);
        assertEquals(0, new BigDecimal(NOW_SECONDS).compareTo(node.decimalValue()), node.toString());
    }

    // ---- lifecycle

    @Test
    void createKey_returnsAwsKeyMetadata() {
        JsonNode m = call("CreateKey", """
                {"Description": "orders", "KeyUsage": "ENCRYPT_DECRYPT", "KeySpec": "SYMMETRIC_DEFAULT",
                 "Origin": "AWS_KMS", "MultiRegion": false, "BypassPolicyLockoutSafetyCheck": false}
                """).get("KeyMetadata");
        String keyId = m.get("KeyId").asText();
        assertTrue(keyId.matches("[0-9a-f-]{36}"), "KeyId in KeyMetadata is the bare key id, as in AWS");
        assertEquals(ARN_PREFIX + "key/" + keyId, m.get("Arn").asText());
        assertEquals("111122223333", m.get("AWSAccountId").asText());
        assertTimestamp(m.get("CreationDate"));
        assertTrue(m.get("Enabled").asBoolean());
        assertEquals("orders", m.get("Description").asText());
        assertEquals("ENCRYPT_DECRYPT", m.get("KeyUsage").asText());
        assertEquals("Enabled", m.get("KeyState").asText());
        assertEquals("AWS_KMS", m.get("Origin").asText());
        assertEquals("CUSTOMER", m.get("KeyManager").asText());
        assertEquals("SYMMETRIC_DEFAULT", m.get("KeySpec").asText());
        assertEquals("SYMMETRIC_DEFAULT", m.get("CustomerMasterKeySpec").asText());
        assertEquals("[\"SYMMETRIC_DEFAULT\"]", m.get("EncryptionAlgorithms").toString());
        assertFalse(m.get("MultiRegion").asBoolean());
        assertTrue(m.get("CurrentKeyMaterialId").asText().matches("[0-9a-f]{32}"));
        assertFalse(m.has("DeletionDate"));
        assertFalse(m.has("PendingDeletionWindowInDays"));
    }

    @Test
    void createKey_timestampIsWrittenAsDecimalSeconds() throws JsonProcessingException {
        String wire = MAPPER.writeValueAsString(api.call(ROOT, "CreateKey", null));
        assertTrue(wire.contains("\"CreationDate\":" + NOW_SECONDS), wire);
    }

    @Test
    void createKey_withCustomerMasterKeySpecAndTags_createsTaggedKey() {
        String keyId = call("CreateKey", """
                {"CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "Tags": [{"TagKey": "team", "TagValue": "pay"}]}
                """).get("KeyMetadata").get("KeyId").asText();
        JsonNode tags = call("ListResourceTags", "{\"KeyId\": \"" + keyId + "\"}");
        assertEquals("[{\"TagKey\":\"team\",\"TagValue\":\"pay\"}]", tags.get("Tags").toString());
    }

    @Test
    void createKey_withExternalOrigin_isUnsupported() {
        assertError(ErrorCode.UNSUPPORTED_OPERATION, "CreateKey", "{\"Origin\": \"EXTERNAL\"}");
    }

    @Test
    void createKey_multiRegion_isUnsupported() {
        assertError(ErrorCode.UNSUPPORTED_OPERATION, "CreateKey", "{\"MultiRegion\": true}");
    }

    @Test
    void createKey_withAwsKeySpecNotOffered_isUnsupported() {
        assertError(ErrorCode.UNSUPPORTED_OPERATION, "CreateKey", "{\"KeySpec\": \"RSA_2048\"}");
    }

    @Test
    void createKey_withUsageTheSpecDoesNotSupport_failsValidation() {
        assertError(ErrorCode.VALIDATION, "CreateKey", "{\"KeyUsage\": \"SIGN_VERIFY\"}");
    }

    @Test
    void describeKey_byAliasAndByArn_returnsTheKey() {
        String keyId = createKey();
        call("CreateAlias", "{\"AliasName\": \"alias/orders\", \"TargetKeyId\": \"" + keyId + "\"}");
        assertEquals(keyId, call("DescribeKey", "{\"KeyId\": \"alias/orders\"}").get("KeyMetadata").get("KeyId").asText());
        assertEquals(keyId, call("DescribeKey", "{\"KeyId\": \"" + ARN_PREFIX + "alias/orders\"}")
                .get("KeyMetadata").get("KeyId").asText());
        assertEquals(keyId, call("DescribeKey", "{\"KeyId\": \"" + ARN_PREFIX + "key/" + keyId + "\"}")
                .get("KeyMetadata").get("KeyId").asText());
    }

    @Test
    void describeKey_ofUnknownKey_keepsNotFoundException() {
        KmsException e = assertError(ErrorCode.NOT_FOUND, "DescribeKey",
                "{\"KeyId\": \"00000000-0000-0000-0000-000000000000\"}");
        assertEquals("NotFoundException", KmsJsonApi.errorBody(e).get("__type").asText());
    }

    @Test
    void listKeys_pagesWithMarker() {
        List<String> created = new ArrayList<>(List.of(createKey(), createKey(), createKey()));
        JsonNode first = call("ListKeys", "{\"Limit\": 2}");
        assertTrue(first.get("Truncated").asBoolean());
        assertEquals(2, first.get("Keys").size());
        JsonNode key = first.get("Keys").get(0);
        assertEquals(ARN_PREFIX + "key/" + key.get("KeyId").asText(), key.get("KeyArn").asText());
        JsonNode second = call("ListKeys", "{\"Limit\": 2, \"Marker\": \"" + first.get("NextMarker").asText() + "\"}");
        assertFalse(second.get("Truncated").asBoolean());
        assertFalse(second.has("NextMarker"));
        List<String> listed = new ArrayList<>();
        first.get("Keys").forEach(k -> listed.add(k.get("KeyId").asText()));
        second.get("Keys").forEach(k -> listed.add(k.get("KeyId").asText()));
        created.sort(null);
        listed.sort(null);
        assertEquals(created, listed);
    }

    @Test
    void updateKeyDescription_changesTheDescription() {
        String keyId = createKey();
        JsonNode response = call("UpdateKeyDescription", "{\"KeyId\": \"" + keyId + "\", \"Description\": \"new\"}");
        assertEquals(0, response.size());
        assertEquals("new", call("DescribeKey", "{\"KeyId\": \"" + keyId + "\"}").get("KeyMetadata").get("Description").asText());
    }

    @Test
    void disableKey_thenEnableKey_changesStateAndEnabled() {
        String keyId = createKey();
        String ref = "{\"KeyId\": \"" + keyId + "\"}";
        assertEquals(0, call("DisableKey", ref).size());
        JsonNode m = call("DescribeKey", ref).get("KeyMetadata");
        assertEquals("Disabled", m.get("KeyState").asText());
        assertFalse(m.get("Enabled").asBoolean());
        assertError(ErrorCode.DISABLED, "Encrypt", "{\"KeyId\": \"" + keyId + "\", \"Plaintext\": \"" + b64("x") + "\"}");
        assertEquals(0, call("EnableKey", ref).size());
        assertTrue(call("DescribeKey", ref).get("KeyMetadata").get("Enabled").asBoolean());
    }

    @Test
    void scheduleKeyDeletion_thenCancel_roundTrips() {
        String keyId = createKey();
        String arn = ARN_PREFIX + "key/" + keyId;
        JsonNode scheduled = call("ScheduleKeyDeletion", "{\"KeyId\": \"" + keyId + "\", \"PendingWindowInDays\": 7}");
        assertEquals(arn, scheduled.get("KeyId").asText());
        assertEquals("PendingDeletion", scheduled.get("KeyState").asText());
        assertEquals(7, scheduled.get("PendingWindowInDays").asInt());
        assertTrue(scheduled.get("DeletionDate").isNumber());
        assertEquals(NOW.plusSeconds(7 * 86400).toEpochMilli(), scheduled.get("DeletionDate").decimalValue().movePointRight(3).longValueExact());

        JsonNode m = call("DescribeKey", "{\"KeyId\": \"" + keyId + "\"}").get("KeyMetadata");
        assertEquals(scheduled.get("DeletionDate"), m.get("DeletionDate"));
        assertEquals(7, m.get("PendingDeletionWindowInDays").asInt());

        assertEquals("{\"KeyId\":\"" + arn + "\"}", call("CancelKeyDeletion", "{\"KeyId\": \"" + keyId + "\"}").toString());
        assertEquals("Disabled", call("DescribeKey", "{\"KeyId\": \"" + keyId + "\"}").get("KeyMetadata").get("KeyState").asText());
    }

    // ---- tags

    @Test
    void tagResource_untagResource_listResourceTags_roundTrip() {
        String keyId = createKey();
        assertEquals(0, call("TagResource", """
                {"KeyId": "%s", "Tags": [{"TagKey": "b", "TagValue": "2"}, {"TagKey": "a", "TagValue": "1"},
                                         {"TagKey": "c", "TagValue": ""}]}
                """.formatted(keyId)).size());
        JsonNode page = call("ListResourceTags", "{\"KeyId\": \"" + keyId + "\", \"Limit\": 2}");
        assertEquals("[{\"TagKey\":\"a\",\"TagValue\":\"1\"},{\"TagKey\":\"b\",\"TagValue\":\"2\"}]", page.get("Tags").toString());
        assertTrue(page.get("Truncated").asBoolean());
        JsonNode rest = call("ListResourceTags", "{\"KeyId\": \"" + keyId + "\", \"Marker\": \"" + page.get("NextMarker").asText() + "\"}");
        assertEquals("[{\"TagKey\":\"c\",\"TagValue\":\"\"}]", rest.get("Tags").toString());

        assertEquals(0, call("UntagResource", "{\"KeyId\": \"" + keyId + "\", \"TagKeys\": [\"a\", \"c\"]}").size());
        JsonNode left = call("ListResourceTags", "{\"KeyId\": \"" + keyId + "\"}");
        assertEquals("[{\"TagKey\":\"b\",\"TagValue\":\"2\"}]", left.get("Tags").toString());
        assertFalse(left.get("Truncated").asBoolean());
    }

    @Test
    void tagResource_withDuplicateTagKeys_failsWithTagException() {
        String keyId = createKey();
        assertError(ErrorCode.TAG, "TagResource", """
                {"KeyId": "%s", "Tags": [{"TagKey": "a", "TagValue": "1"}, {"TagKey": "a", "TagValue": "2"}]}
                """.formatted(keyId));
    }

    // ---- aliases

    @Test
    void aliases_createListUpdateDelete_roundTrip() {
        String first = createKey();
        String second = createKey();
        assertEquals(0, call("CreateAlias", "{\"AliasName\": \"alias/app\", \"TargetKeyId\": \"" + first + "\"}").size());
        JsonNode listed = call("ListAliases", "{}");
        assertFalse(listed.get("Truncated").asBoolean());
        JsonNode alias = listed.get("Aliases").get(0);
        assertEquals("alias/app", alias.get("AliasName").asText());
        assertEquals(ARN_PREFIX + "alias/app", alias.get("AliasArn").asText());
        assertEquals(first, alias.get("TargetKeyId").asText());
        assertTimestamp(alias.get("CreationDate"));
        assertTimestamp(alias.get("LastUpdatedDate"));

        assertEquals(0, call("UpdateAlias", "{\"AliasName\": \"alias/app\", \"TargetKeyId\": \"" + second + "\"}").size());
        assertEquals(0, call("ListAliases", "{\"KeyId\": \"" + first + "\"}").get("Aliases").size());
        assertEquals(1, call("ListAliases", "{\"KeyId\": \"" + second + "\", \"Limit\": 10}").get("Aliases").size());

        assertEquals(0, call("DeleteAlias", "{\"AliasName\": \"alias/app\"}").size());
        assertEquals(0, call("ListAliases", "{}").get("Aliases").size());
    }

    // ---- cryptography

    @Test
    void encrypt_thenDecrypt_roundTripsWithArnsAndBase64() {
        String keyId = createKey();
        String arn = ARN_PREFIX + "key/" + keyId;
        JsonNode encrypted = call("Encrypt", """
                {"KeyId": "%s", "Plaintext": "%s", "EncryptionContext": {"purpose": "test"}, "GrantTokens": ["t"],
                 "EncryptionAlgorithm": "SYMMETRIC_DEFAULT", "SomeFutureMember": 1}
                """.formatted(keyId, b64("hello")));
        assertEquals(arn, encrypted.get("KeyId").asText());
        assertEquals("SYMMETRIC_DEFAULT", encrypted.get("EncryptionAlgorithm").asText());
        String blob = encrypted.get("CiphertextBlob").asText();
        assertTrue(Base64.getDecoder().decode(blob).length > 5);

        JsonNode decrypted = call("Decrypt", """
                {"CiphertextBlob": "%s", "EncryptionContext": {"purpose": "test"}, "KeyId": "%s"}
                """.formatted(blob, arn));
        assertEquals(arn, decrypted.get("KeyId").asText());
        assertEquals("hello", text(decrypted.get("Plaintext")));
        assertEquals("SYMMETRIC_DEFAULT", decrypted.get("EncryptionAlgorithm").asText());
    }

    @Test
    void decrypt_withoutKeyId_findsTheKeyFromTheBlob() {
        String keyId = createKey();
        String blob = call("Encrypt", "{\"KeyId\": \"" + keyId + "\", \"Plaintext\": \"" + b64("x") + "\"}")
                .get("CiphertextBlob").asText();
        JsonNode decrypted = call("Decrypt", "{\"CiphertextBlob\": \"" + blob + "\"}");
        assertEquals(ARN_PREFIX + "key/" + keyId, decrypted.get("KeyId").asText());
        assertEquals("x", text(decrypted.get("Plaintext")));
    }

    @Test
    void decrypt_withWrongContext_keepsInvalidCiphertextException() {
        String keyId = createKey();
        String blob = call("Encrypt", """
                {"KeyId": "%s", "Plaintext": "%s", "EncryptionContext": {"a": "1"}}
                """.formatted(keyId, b64("x"))).get("CiphertextBlob").asText();
        assertError(ErrorCode.INVALID_CIPHERTEXT, "Decrypt", "{\"CiphertextBlob\": \"" + blob + "\"}");
    }

    @Test
    void decrypt_withArbitraryBytes_failsAsInvalidCiphertext() {
        java.util.Random random = new java.util.Random(7);
        for (int length = 1; length < 120; length++) {
            byte[] junk = new byte[length];
            random.nextBytes(junk);
            junk[0] = (byte) (length % 2); // half of them claim format version 1
            assertError(ErrorCode.INVALID_CIPHERTEXT, "Decrypt",
                    "{\"CiphertextBlob\": \"" + Base64.getEncoder().encodeToString(junk) + "\"}");
        }
    }

    @Test
    void decrypt_withTruncatedCiphertext_failsAsInvalidCiphertext() {
        String keyId = createKey();
        byte[] blob = Base64.getDecoder().decode(call("Encrypt", "{\"KeyId\": \"" + keyId + "\", \"Plaintext\": \""
                + b64("x") + "\"}").get("CiphertextBlob").asText());
        for (int length = 1; length < blob.length; length++) {
            String truncated = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(blob, length));
            assertError(ErrorCode.INVALID_CIPHERTEXT, "Decrypt", "{\"CiphertextBlob\": \"" + truncated + "\"}");
        }
    }

    @Test
    void reEncrypt_toAnotherKey_returnsBothArns() {
        String source = createKey();
        String destination = createKey();
        String blob = call("Encrypt", """
                {"KeyId": "%s", "Plaintext": "%s", "EncryptionContext": {"a": "1"}}
                """.formatted(source, b64("moved"))).get("CiphertextBlob").asText();
        JsonNode re = call("ReEncrypt", """
                {"CiphertextBlob": "%s", "SourceEncryptionContext": {"a": "1"}, "SourceKeyId": "%s",
                 "DestinationKeyId": "%s", "DestinationEncryptionContext": {"b": "2"},
                 "SourceEncryptionAlgorithm": "SYMMETRIC_DEFAULT", "DestinationEncryptionAlgorithm": "SYMMETRIC_DEFAULT"}
                """.formatted(blob, source, destination));
        assertEquals(ARN_PREFIX + "key/" + source, re.get("SourceKeyId").asText());
        assertEquals(ARN_PREFIX + "key/" + destination, re.get("KeyId").asText());
        assertEquals("SYMMETRIC_DEFAULT", re.get("SourceEncryptionAlgorithm").asText());
        assertEquals("SYMMETRIC_DEFAULT", re.get("DestinationEncryptionAlgorithm").asText());
        JsonNode decrypted = call("Decrypt", """
                {"CiphertextBlob": "%s", "EncryptionContext": {"b": "2"}}
                """.formatted(re.get("CiphertextBlob").asText()));
        assertEquals("moved", text(decrypted.get("Plaintext")));
    }

    @Test
    void generateDataKey_returnsPlaintextThatTheBlobDecryptsTo() {
        String keyId = createKey();
        JsonNode dataKey = call("GenerateDataKey", """
                {"KeyId": "%s", "KeySpec": "AES_256", "EncryptionContext": {"a": "1"}}
                """.formatted(keyId));
        assertEquals(ARN_PREFIX + "key/" + keyId, dataKey.get("KeyId").asText());
        byte[] plaintext = Base64.getDecoder().decode(dataKey.get("Plaintext").asText());
        assertEquals(32, plaintext.length);
        JsonNode decrypted = call("Decrypt", """
                {"CiphertextBlob": "%s", "EncryptionContext": {"a": "1"}}
                """.formatted(dataKey.get("CiphertextBlob").asText()));
        assertEquals(dataKey.get("Plaintext").asText(), decrypted.get("Plaintext").asText());
    }

    @Test
    void generateDataKey_withNumberOfBytes_returnsThatMany() {
        String keyId = createKey();
        JsonNode dataKey = call("GenerateDataKey", "{\"KeyId\": \"" + keyId + "\", \"NumberOfBytes\": 64}");
        assertEquals(64, Base64.getDecoder().decode(dataKey.get("Plaintext").asText()).length);
    }

    @Test
    void generateDataKeyWithoutPlaintext_returnsOnlyTheBlob() {
        String keyId = createKey();
        JsonNode dataKey = call("GenerateDataKeyWithoutPlaintext", "{\"KeyId\": \"" + keyId + "\", \"KeySpec\": \"AES_128\"}");
        assertEquals(ARN_PREFIX + "key/" + keyId, dataKey.get("KeyId").asText());
        assertFalse(dataKey.has("Plaintext"));
        JsonNode decrypted = call("Decrypt", "{\"CiphertextBlob\": \"" + dataKey.get("CiphertextBlob").asText() + "\"}");
        assertEquals(16, Base64.getDecoder().decode(decrypted.get("Plaintext").asText()).length);
    }

    @Test
    void generateDataKey_withRecipient_isUnsupported() {
        String keyId = createKey();
        assertError(ErrorCode.UNSUPPORTED_OPERATION, "GenerateDataKey", """
                {"KeyId": "%s", "KeySpec": "AES_256", "Recipient": {"AttestationDocument": "AA=="}}
                """.formatted(keyId));
    }

    @Test
    void generateRandom_returnsBase64OfRequestedLength() {
        JsonNode random = call("GenerateRandom", "{\"NumberOfBytes\": 24}");
        assertEquals(24, Base64.getDecoder().decode(random.get("Plaintext").asText()).length);
        assertEquals(1, random.size());
    }

    // ---- rotation

    @Test
    void rotation_enableStatusRotateListDisable_roundTrip() {
        String keyId = createKey();
        String arn = ARN_PREFIX + "key/" + keyId;
        String ref = "{\"KeyId\": \"" + keyId + "\"}";

        JsonNode off = call("GetKeyRotationStatus", ref);
        assertFalse(off.get("KeyRotationEnabled").asBoolean());
        assertEquals(arn, off.get("KeyId").asText());
        assertFalse(off.has("NextRotationDate"));

        assertEquals(0, call("EnableKeyRotation", "{\"KeyId\": \"" + keyId + "\", \"RotationPeriodInDays\": 90}").size());
        JsonNode on = call("GetKeyRotationStatus", ref);
        assertTrue(on.get("KeyRotationEnabled").asBoolean());
        assertEquals(90, on.get("RotationPeriodInDays").asInt());
        assertTrue(on.get("NextRotationDate").isNumber());
        assertEquals(NOW.plusSeconds(90 * 86400).toEpochMilli(), on.get("NextRotationDate").decimalValue().movePointRight(3).longValueExact());

        String before = call("DescribeKey", ref).get("KeyMetadata").get("CurrentKeyMaterialId").asText();
        assertEquals("{\"KeyId\":\"" + arn + "\"}", call("RotateKeyOnDemand", ref).toString());
        String after = call("DescribeKey", ref).get("KeyMetadata").get("CurrentKeyMaterialId").asText();
        assertNotEquals(before, after);

        JsonNode rotations = call("ListKeyRotations", ref);
        assertFalse(rotations.get("Truncated").asBoolean());
        assertEquals(1, rotations.get("Rotations").size());
        JsonNode rotation = rotations.get("Rotations").get(0);
        assertEquals(arn, rotation.get("KeyId").asText());
        assertEquals(after, rotation.get("KeyMaterialId").asText());
        assertEquals("ON_DEMAND", rotation.get("RotationType").asText());
        assertTimestamp(rotation.get("RotationDate"));

        assertEquals(0, call("DisableKeyRotation", ref).size());
        assertFalse(call("GetKeyRotationStatus", ref).get("KeyRotationEnabled").asBoolean());
    }

    @Test
    void listKeyRotations_pagesWithMarker() {
        String keyId = createKey();
        String ref = "{\"KeyId\": \"" + keyId + "\"}";
        call("RotateKeyOnDemand", ref);
        call("RotateKeyOnDemand", ref);
        JsonNode first = call("ListKeyRotations", "{\"KeyId\": \"" + keyId + "\", \"Limit\": 1}");
        assertTrue(first.get("Truncated").asBoolean());
        JsonNode second = call("ListKeyRotations", "{\"KeyId\": \"" + keyId + "\", \"Limit\": 1, \"Marker\": \""
                + first.get("NextMarker").asText() + "\"}");
        assertFalse(second.get("Truncated").asBoolean());
        assertNotEquals(first.get("Rotations").get(0).get("KeyMaterialId"), second.get("Rotations").get(0).get("KeyMaterialId"));
    }

    // ---- the dispatcher

    @Test
    void keyPolicy_isTheDefaultUntilPut_andMalformedOrLockingOutPoliciesAreRefused() throws Exception {
        String keyId = call("CreateKey", "{}").get("KeyMetadata").get("KeyId").asText();
        JsonNode got = call("GetKeyPolicy", "{\"KeyId\": \"" + keyId + "\", \"PolicyName\": \"default\"}");
        assertEquals("default", got.get("PolicyName").asText());
        assertTrue(got.get("Policy").asText().contains("Enable IAM User Permissions"));
        JsonNode names = call("ListKeyPolicies", "{\"KeyId\": \"" + keyId + "\"}");
        assertEquals("default", names.get("PolicyNames").get(0).asText());

        String readOnly = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":[\"kms:Describe*\",\"kms:Get*\"],\"Resource\":\"*\"}]}";
        ObjectNode put = MAPPER.createObjectNode().put("KeyId", keyId).put("Policy", readOnly);
        KmsException lockout = assertThrows(KmsException.class, () -> api.call(ROOT, "PutKeyPolicy", put));
        assertEquals(ErrorCode.MALFORMED_POLICY_DOCUMENT, lockout.code());
        assertTrue(lockout.getMessage().contains("will not allow you to update the key policy"), lockout.getMessage());

        put.put("BypassPolicyLockoutSafetyCheck", true);
        api.call(ROOT, "PutKeyPolicy", put);
        assertEquals(readOnly, call("GetKeyPolicy", "{\"KeyId\": \"" + keyId + "\"}").get("Policy").asText());
        KmsException denied = assertThrows(KmsException.class,
                () -> api.call(ROOT, "DisableKey", MAPPER.readTree("{\"KeyId\": \"" + keyId + "\"}")));
        assertEquals(ErrorCode.ACCESS_DENIED, denied.code());
        assertTrue(denied.getMessage().contains("arn:aws:iam::111122223333:root is not authorized to perform: kms:DisableKey"),
                denied.getMessage());

        ObjectNode malformed = MAPPER.createObjectNode().put("KeyId", keyId).put("Policy", "{\"Version\":\"2012-10-17\"}");
        KmsException bad = assertThrows(KmsException.class, () -> api.call(ROOT, "CreateKey", malformed));
        assertEquals(ErrorCode.MALFORMED_POLICY_DOCUMENT, bad.code());
        String ghost = readOnly.replace("\"111122223333\"", "\"arn:aws:iam::111122223333:user/ghost\"");
        ObjectNode unknownPrincipal = MAPPER.createObjectNode().put("Policy", ghost).put("BypassPolicyLockoutSafetyCheck", true);
        KmsException invalid = assertThrows(KmsException.class, () -> api.call(ROOT, "CreateKey", unknownPrincipal));
        assertEquals(ErrorCode.MALFORMED_POLICY_DOCUMENT, invalid.code());
        assertTrue(invalid.getMessage().contains("user/ghost"), invalid.getMessage());
    }

    @Test
    void everyRowOfTheOperationTable_hasAHandler() {
        for (KmsOperation operation : KmsOperation.values()) {
            try {
                api.call(ROOT, operation.wireName(), MAPPER.createObjectNode());
            } catch (KmsException e) {
                assertNotEquals(ErrorCode.UNKNOWN_OPERATION, e.code(), operation.wireName());
            }
        }
    }

    @Test
    void call_withUnknownOperation_failsUnknownOperation() {
        KmsException e = assertError(ErrorCode.UNKNOWN_OPERATION, "CreateGrant", "{}");
        assertTrue(e.getMessage().contains("CreateGrant"));
    }

    @Test
    void call_withNullBody_treatsItAsEmpty() {
        assertFalse(api.call(ROOT, "ListKeys", null).get("Truncated").asBoolean());
    }

    @Test
    void call_withDryRun_isUnsupportedAndDoesNotAct() {
        String keyId = createKey();
        assertError(ErrorCode.UNSUPPORTED_OPERATION, "DisableKey", "{\"KeyId\": \"" + keyId + "\", \"DryRun\": true}");
        assertEquals("Enabled", call("DescribeKey", "{\"KeyId\": \"" + keyId + "\"}").get("KeyMetadata").get("KeyState").asText());
    }

    @Test
    void hmacKey_describesItsMacAlgorithms_andGeneratesAndVerifiesMacs() {
        JsonNode metadata = call("CreateKey", "{\"KeySpec\": \"HMAC_384\", \"KeyUsage\": \"GENERATE_VERIFY_MAC\"}")
                .get("KeyMetadata");
        String keyId = metadata.get("KeyId").asText();
        assertEquals("HMAC_384", metadata.get("KeySpec").asText());
        assertEquals("GENERATE_VERIFY_MAC", metadata.get("KeyUsage").asText());
        assertEquals("[\"HMAC_SHA_384\"]", metadata.get("MacAlgorithms").toString());
        assertFalse(metadata.has("EncryptionAlgorithms"));
        call("CreateAlias", "{\"AliasName\": \"alias/signer\", \"TargetKeyId\": \"" + keyId + "\"}");

        JsonNode generated = call("GenerateMac", "{\"KeyId\": \"alias/signer\", \"Message\": \"" + b64("hello")
                + "\", \"MacAlgorithm\": \"HMAC_SHA_384\"}");
        assertEquals(ARN_PREFIX + "key/" + keyId, generated.get("KeyId").asText());
        assertEquals("HMAC_SHA_384", generated.get("MacAlgorithm").asText());
        String mac = generated.get("Mac").asText();
        assertEquals(48, Base64.getDecoder().decode(mac).length);

        JsonNode verified = call("VerifyMac", "{\"KeyId\": \"" + keyId + "\", \"Message\": \"" + b64("hello")
                + "\", \"MacAlgorithm\": \"HMAC_SHA_384\", \"Mac\": \"" + mac + "\"}");
        assertEquals("{\"KeyId\":\"" + ARN_PREFIX + "key/" + keyId + "\",\"MacValid\":true,"
                + "\"MacAlgorithm\":\"HMAC_SHA_384\"}", verified.toString());

        KmsException mismatch = assertError(ErrorCode.INVALID_MAC, "VerifyMac", "{\"KeyId\": \"" + keyId
                + "\", \"Message\": \"" + b64("hellO") + "\", \"MacAlgorithm\": \"HMAC_SHA_384\", \"Mac\": \"" + mac + "\"}");
        assertEquals("KMSInvalidMacException", mismatch.code().awsName());
    }

    @Test
    void macOperations_validateTheirMembersAsAws() {
        String keyId = call("CreateKey", "{\"KeySpec\": \"HMAC_256\"}").get("KeyMetadata").get("KeyId").asText();
        KmsException missing = assertError(ErrorCode.VALIDATION, "GenerateMac",
                "{\"KeyId\": \"" + keyId + "\", \"Message\": \"" + b64("m") + "\"}");
        assertEquals("1 validation error detected: Value at 'macAlgorithm' failed to satisfy constraint: Member must"
                + " not be null", missing.getMessage());
        KmsException unknown = assertError(ErrorCode.VALIDATION, "GenerateMac", "{\"KeyId\": \"" + keyId
                + "\", \"Message\": \"" + b64("m") + "\", \"MacAlgorithm\": \"HMAC_MD5\"}");
        assertEquals("1 validation error detected: Value 'HMAC_MD5' at 'macAlgorithm' failed to satisfy constraint:"
                + " Member must satisfy enum value set: [HMAC_SHA_224, HMAC_SHA_256, HMAC_SHA_384, HMAC_SHA_512]",
                unknown.getMessage());
        assertError(ErrorCode.VALIDATION, "VerifyMac", "{\"KeyId\": \"" + keyId + "\", \"Message\": \""
                + b64("m") + "\", \"MacAlgorithm\": \"HMAC_SHA_256\"}");
        assertError(ErrorCode.INVALID_KEY_USAGE, "GenerateMac", "{\"KeyId\": \"" + createKey() + "\", \"Message\": \""
                + b64("m") + "\", \"MacAlgorithm\": \"HMAC_SHA_256\"}");
    }

    @Test
    void errorBody_hasAwsTypeAndLowercaseMessage() {
        ObjectNode body = KmsJsonApi.errorBody(new KmsException(ErrorCode.DISABLED, "it is disabled"));
        assertEquals("{\"__type\":\"DisabledException\",\"message\":\"it is disabled\"}", body.toString());
    }

    KmsException assertError(ErrorCode code, String operation, String json) {
        KmsException e = assertThrows(KmsException.class, () -> api.call(ROOT, operation, MAPPER.readTree(json)));
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }
}
