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
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * One server is one region (docs/ciphertext-format.md, Decryption: a blob of another region or account is
 * refused). Two servers with their own tokens, stores and regions are proven on the real wiring in kms-cli
 * (KmsServerTwoRegionsTest); this is the case that needs one HSM and store behind two servers.
 */
class TwoRegionsTest {
    static final String EAST = "us-east-1";
    static final String WEST = "eu-west-1";

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
            assertEquals("x", eastKms.decrypt(r -> r.ciphertextBlob(blob)).plaintext().asUtf8String());

            assertThrows(InvalidCiphertextException.class, () -> westKms.decrypt(r -> r.ciphertextBlob(blob)));
        }
    }
}
