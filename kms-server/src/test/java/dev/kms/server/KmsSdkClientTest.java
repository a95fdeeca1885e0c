package dev.kms.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DescribeKeyResponse;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.NotFoundException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The AWS SDK for Java v2 KMS client, unchanged but for endpoint and credentials, against the server. */
class KmsSdkClientTest {
    static final String ARN_PREFIX = "arn:aws:kms:us-east-1:111122223333:key/";
    static final Map<String, String> CONTEXT = Map.of("purpose", "test", "tenant", "a");

    ServerFixture fixture;
    KmsClient root;

    @BeforeEach
    void setUp() {
        fixture = new ServerFixture();
        root = client(ServerFixture.ROOT_KEY, ServerFixture.ROOT_SECRET);
    }

    @AfterEach
    void tearDown() {
        root.close();
        fixture.close();
    }

    KmsClient client(String accessKeyId, String secret) {
        return KmsClient.builder()
                .endpointOverride(fixture.server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret)))
                .build();
    }

    static SdkBytes bytes(String s) {
        return SdkBytes.fromString(s, StandardCharsets.UTF_8);
    }

    static void assertRequestId(String requestId) {
        assertNotNull(requestId);
        assertEquals(requestId, UUID.fromString(requestId).toString());
    }

    String createKey() {
        CreateKeyResponse created = root.createKey(r -> r.description("sdk test"));
        assertRequestId(created.responseMetadata().requestId());
        return created.keyMetadata().keyId();
    }

    // ---- operations

    @Test
    void createKey_thenDescribeKey_returnsTheMetadata() {
        String keyId = createKey();
        DescribeKeyResponse described = root.describeKey(r -> r.keyId(keyId));
        assertEquals(ARN_PREFIX + keyId, described.keyMetadata().arn());
        assertEquals(KeyState.ENABLED, described.keyMetadata().keyState());
        assertEquals("sdk test", described.keyMetadata().description());
        assertEquals("111122223333", described.keyMetadata().awsAccountId());
        assertNotNull(described.keyMetadata().creationDate());
        assertRequestId(described.responseMetadata().requestId());
    }

    @Test
    void encryptDecrypt_withEncryptionContext_roundTrips() {
        String keyId = createKey();
        EncryptResponse encrypted = root.encrypt(r -> r.keyId(keyId).plaintext(bytes("hello")).encryptionContext(CONTEXT));
        assertEquals(ARN_PREFIX + keyId, encrypted.keyId());
        assertRequestId(encrypted.responseMetadata().requestId());

        DecryptResponse withoutKeyId = root.decrypt(r -> r.ciphertextBlob(encrypted.ciphertextBlob())
                .encryptionContext(CONTEXT));
        assertEquals("hello", withoutKeyId.plaintext().asUtf8String());
        assertEquals(ARN_PREFIX + keyId, withoutKeyId.keyId());

        DecryptResponse withKeyId = root.decrypt(r -> r.keyId(keyId).ciphertextBlob(encrypted.ciphertextBlob())
                .encryptionContext(CONTEXT));
        assertEquals("hello", withKeyId.plaintext().asUtf8String());
    }

    @Test
    void encryptDecrypt_withoutEncryptionContext_roundTrips() {
        String keyId = createKey();
        SdkBytes blob = root.encrypt(r -> r.keyId(ARN_PREFIX + keyId).plaintext(bytes("x"))).ciphertextBlob();
        assertEquals("x", root.decrypt(r -> r.ciphertextBlob(blob)).plaintext().asUtf8String());
    }

    @Test
    void generateDataKey_plaintextDecryptsFromTheCiphertext() {
        String keyId = createKey();
        GenerateDataKeyResponse dataKey = root.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256)
                .encryptionContext(CONTEXT));
        assertEquals(32, dataKey.plaintext().asByteArray().length);
        assertEquals(ARN_PREFIX + keyId, dataKey.keyId());
        byte[] decrypted = root.decrypt(r -> r.ciphertextBlob(dataKey.ciphertextBlob()).encryptionContext(CONTEXT))
                .plaintext().asByteArray();
        assertArrayEquals(dataKey.plaintext().asByteArray(), decrypted);
    }

    @Test
    void listKeys_listsTheCreatedKeys() {
        String a = createKey();
        String b = createKey();
        ListKeysResponse keys = root.listKeys(r -> r.limit(10));
        assertTrue(keys.keys().stream().anyMatch(k -> k.keyId().equals(a) && k.keyArn().equals(ARN_PREFIX + a)));
        assertTrue(keys.keys().stream().anyMatch(k -> k.keyId().equals(b)));
        assertFalse(keys.truncated());
    }

    // ---- errors arrive as the SDK's typed exceptions

    @Test
    void describeKey_unknownKey_isNotFoundException() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> root.describeKey(r -> r.keyId(UUID.randomUUID().toString())));
        assertEquals(400, e.statusCode());
        assertRequestId(e.requestId());
    }

    @Test
    void encrypt_disabledKey_isDisabledException() {
        String keyId = createKey();
        root.disableKey(r -> r.keyId(keyId));
        assertThrows(DisabledException.class, () -> root.encrypt(r -> r.keyId(keyId).plaintext(bytes("x"))));
    }

    @Test
    void encrypt_keyPendingDeletion_isKmsInvalidStateException() {
        String keyId = createKey();
        root.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));
        assertThrows(KmsInvalidStateException.class, () -> root.encrypt(r -> r.keyId(keyId).plaintext(bytes("x"))));
    }

    @Test
    void decrypt_wrongEncryptionContext_isInvalidCiphertextException() {
        String keyId = createKey();
        SdkBytes blob = root.encrypt(r -> r.keyId(keyId).plaintext(bytes("x")).encryptionContext(CONTEXT))
                .ciphertextBlob();
        assertThrows(InvalidCiphertextException.class,
                () -> root.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(Map.of("purpose", "other"))));
        assertThrows(InvalidCiphertextException.class, () -> root.decrypt(r -> r.ciphertextBlob(blob)));
    }

    @Test
    void decrypt_withAnotherKeyId_isIncorrectKeyException() {
        String keyId = createKey();
        String other = createKey();
        SdkBytes blob = root.encrypt(r -> r.keyId(keyId).plaintext(bytes("x"))).ciphertextBlob();
        assertThrows(IncorrectKeyException.class, () -> root.decrypt(r -> r.keyId(other).ciphertextBlob(blob)));
    }

    @Test
    void encrypt_userWithoutPolicies_isAccessDeniedException() {
        String keyId = createKey();
        try (KmsClient user = client(ServerFixture.USER_KEY, ServerFixture.USER_SECRET)) {
            KmsException e = assertThrows(KmsException.class,
                    () -> user.encrypt(r -> r.keyId(keyId).plaintext(bytes("x"))));
            assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
            assertEquals(400, e.statusCode());
            assertRequestId(e.requestId());
        }
    }

    @Test
    void encrypt_plaintextOverFourKilobytes_isValidationException() {
        String keyId = createKey();
        KmsException e = assertThrows(KmsException.class,
                () -> root.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromByteArray(new byte[4097]))));
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());
    }

    // ---- authentication failures

    @Test
    void anyCall_wrongSecret_isInvalidSignatureException() {
        try (KmsClient wrong = client(ServerFixture.ROOT_KEY, ServerFixture.ROOT_SECRET + "x")) {
            KmsException e = assertThrows(KmsException.class, () -> wrong.listKeys(r -> { }));
            assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode());
            assertEquals(400, e.statusCode());
            assertRequestId(e.requestId());
        }
    }

    @Test
    void anyCall_unknownAccessKey_isUnrecognizedClientException() {
        try (KmsClient unknown = client("AKIAUNKNOWNUNKNOWN00", ServerFixture.ROOT_SECRET)) {
            KmsException e = assertThrows(KmsException.class, () -> unknown.listKeys(r -> { }));
            assertEquals("UnrecognizedClientException", e.awsErrorDetails().errorCode());
            assertRequestId(e.requestId());
        }
    }

    @Test
    void anyCall_clientClockTwentyMinutesOff_withoutRetries_isRequestExpired() {
        fixture.clock.advance(Duration.ofMinutes(20));
        try (KmsClient noRetries = KmsClient.builder()
                .endpointOverride(fixture.server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ServerFixture.ROOT_KEY, ServerFixture.ROOT_SECRET)))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            SdkServiceException e = assertThrows(SdkServiceException.class, () -> noRetries.listKeys(r -> { }));
            assertEquals("RequestExpired", ((KmsException) e).awsErrorDetails().errorCode());
            assertRequestId(e.requestId());
        }
    }

    /** Like AWS, the server sends its clock in Date, from which the SDK corrects its skew and retries. */
    @Test
    void anyCall_clientClockTwentyMinutesOff_sdkCorrectsTheSkewAndRetries() {
        fixture.clock.advance(Duration.ofMinutes(20));
        assertNotNull(root.listKeys(r -> { }).keys());
    }
}
