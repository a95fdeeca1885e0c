package dev.kms.server;

import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.fake.InMemoryMetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KmsException;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One server is one region (docs/ciphertext-format.md, Decryption: a blob of another region or account is
 * refused): two servers on one machine, each with its own region, HSM and store, through the AWS SDK.
 */
class TwoRegionsTest {
    static final String EAST = "us-east-1";
    static final String WEST = "eu-west-1";
    static final Map<String, String> CONTEXT = Map.of("purpose", "regions");

    ServerFixture east;
    ServerFixture west;

    @AfterEach
    void tearDown() {
        if (east != null) {
            east.close();
        }
        if (west != null) {
            west.close();
        }
    }

    static KmsClient client(ServerFixture fixture) {
        return KmsClient.builder()
                .endpointOverride(fixture.server.endpoint())
                .region(Region.of(fixture.region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ServerFixture.ROOT_KEY, ServerFixture.ROOT_SECRET)))
                .build();
    }

    void startOnSeparateTokens() {
        east = ServerFixture.inRegion(EAST, new InMemoryHsm(), new InMemoryMetadataStore());
        west = ServerFixture.inRegion(WEST, new InMemoryHsm(), new InMemoryMetadataStore());
    }

    @Test
    void decrypt_ciphertextOfTheOtherRegionsServer_isInvalidCiphertextException() {
        startOnSeparateTokens();
        try (KmsClient eastKms = client(east); KmsClient westKms = client(west)) {
            String eastKey = eastKms.createKey(r -> { }).keyMetadata().arn();
            assertTrue(eastKey.startsWith("arn:aws:kms:" + EAST + ":"), eastKey);
            SdkBytes blob = eastKms.encrypt(r -> r.keyId(eastKey).plaintext(SdkBytes.fromUtf8String("east only"))
                    .encryptionContext(CONTEXT)).ciphertextBlob();
            assertEquals("east only", eastKms.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(CONTEXT))
                    .plaintext().asUtf8String());

            assertThrows(InvalidCiphertextException.class,
                    () -> westKms.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(CONTEXT)));
            assertThrows(InvalidCiphertextException.class,
                    () -> westKms.decrypt(r -> r.keyId(eastKey).ciphertextBlob(blob).encryptionContext(CONTEXT)));
        }
    }

    @Test
    void decrypt_dataKeyOfTheOtherRegionsServer_isInvalidCiphertextException_andTheOtherWayRound() {
        startOnSeparateTokens();
        try (KmsClient eastKms = client(east); KmsClient westKms = client(west)) {
            String eastKey = eastKms.createKey(r -> { }).keyMetadata().keyId();
            String westKey = westKms.createKey(r -> { }).keyMetadata().keyId();
            SdkBytes fromEast = eastKms.generateDataKey(r -> r.keyId(eastKey).keySpec(DataKeySpec.AES_256))
                    .ciphertextBlob();
            SdkBytes fromWest = westKms.generateDataKey(r -> r.keyId(westKey).keySpec(DataKeySpec.AES_256))
                    .ciphertextBlob();

            assertThrows(InvalidCiphertextException.class, () -> westKms.decrypt(r -> r.ciphertextBlob(fromEast)));
            assertThrows(InvalidCiphertextException.class, () -> eastKms.decrypt(r -> r.ciphertextBlob(fromWest)));
        }
    }

    /**
     * The region is checked in its own right, not only through the key being unknown: a second server over the
     * same HSM and store (a copied token and database served as another region) still refuses the blob.
     */
    @Test
    void decrypt_sameTokenAndStoreServedAsAnotherRegion_isInvalidCiphertextException() {
        InMemoryHsm hsm = new InMemoryHsm();
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        east = ServerFixture.inRegion(EAST, hsm, store);
        west = ServerFixture.inRegion(WEST, hsm, store);
        try (KmsClient eastKms = client(east); KmsClient westKms = client(west)) {
            String keyId = eastKms.createKey(r -> { }).keyMetadata().keyId();
            SdkBytes blob = eastKms.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String("x")))
                    .ciphertextBlob();

            assertThrows(InvalidCiphertextException.class, () -> westKms.decrypt(r -> r.ciphertextBlob(blob)));
        }
    }

    /** A request signed for one region is not accepted by the other region's server. */
    @Test
    void anyCall_signedForTheOtherRegion_isRefused() {
        startOnSeparateTokens();
        try (KmsClient signedForEast = KmsClient.builder()
                .endpointOverride(west.server.endpoint())
                .region(Region.of(EAST))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ServerFixture.ROOT_KEY, ServerFixture.ROOT_SECRET)))
                .build()) {
            KmsException e = assertThrows(KmsException.class, () -> signedForEast.listKeys(r -> { }));
            assertEquals(400, e.statusCode());
            assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode(), e.getMessage());
        }
    }
}
