package dev.kms.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One server is one region (docs/ciphertext-format.md, Decryption: a blob of another region is refused with
 * InvalidCiphertextException): two {@code kms server}s on one machine, each over its own KMS_HOME with its own
 * SoftHSM2 token, SQLite file and region, through the AWS SDK for Java v2, both ways round.
 */
class KmsServerTwoRegionsTest {
    static final Map<String, String> CONTEXT = Map.of("purpose", "regions");

    @TempDir
    static Path dir;
    static ServedHome east;
    static ServedHome west;
    static KmsClient eastKms;
    static KmsClient westKms;

    @BeforeAll
    static void serve() throws Exception {
        east = ServedHome.start(Files.createDirectory(dir.resolve("east")), "us-east-1");
        west = ServedHome.start(Files.createDirectory(dir.resolve("west")), "eu-west-1");
        eastKms = east.client(east.administrator);
        westKms = west.client(west.administrator);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            east.close();
        } finally {
            west.close();
        }
    }

    @Test
    void theServersAreSeparate_tokensRegionsAndCredentials() {
        assertNotEquals(east.kms.token.label(), west.kms.token.label());
        assertNotEquals(east.endpoint, west.endpoint);
        assertNotEquals(east.administrator.accessKeyId(), west.administrator.accessKeyId());
        assertTrue(eastKms.createKey(r -> { }).keyMetadata().arn().startsWith("arn:aws:kms:us-east-1:"));
        assertTrue(westKms.createKey(r -> { }).keyMetadata().arn().startsWith("arn:aws:kms:eu-west-1:"));
    }

    @Test
    void decrypt_ciphertextOfTheOtherRegion_isInvalidCiphertextException_bothWays() {
        String eastKey = eastKms.createKey(r -> { }).keyMetadata().arn();
        String westKey = westKms.createKey(r -> { }).keyMetadata().arn();
        SdkBytes fromEast = encrypt(eastKms, eastKey, "east only");
        SdkBytes fromWest = encrypt(westKms, westKey, "west only");
        assertEquals("east only", decrypt(eastKms, fromEast));
        assertEquals("west only", decrypt(westKms, fromWest));

        assertThrows(InvalidCiphertextException.class, () -> decrypt(westKms, fromEast));
        assertThrows(InvalidCiphertextException.class, () -> decrypt(eastKms, fromWest));
        // Naming the other region's key does not help.
        assertThrows(InvalidCiphertextException.class,
                () -> westKms.decrypt(r -> r.keyId(eastKey).ciphertextBlob(fromEast).encryptionContext(CONTEXT)));
        assertThrows(InvalidCiphertextException.class,
                () -> eastKms.decrypt(r -> r.keyId(westKey).ciphertextBlob(fromWest).encryptionContext(CONTEXT)));
    }

    @Test
    void decrypt_dataKeyOfTheOtherRegion_isInvalidCiphertextException_bothWays() {
        String eastKey = eastKms.createKey(r -> { }).keyMetadata().keyId();
        String westKey = westKms.createKey(r -> { }).keyMetadata().keyId();
        SdkBytes fromEast = eastKms.generateDataKey(r -> r.keyId(eastKey).keySpec(DataKeySpec.AES_256))
                .ciphertextBlob();
        SdkBytes fromWest = westKms.generateDataKeyWithoutPlaintext(r -> r.keyId(westKey).keySpec(DataKeySpec.AES_256))
                .ciphertextBlob();

        assertThrows(InvalidCiphertextException.class, () -> westKms.decrypt(r -> r.ciphertextBlob(fromEast)));
        assertThrows(InvalidCiphertextException.class, () -> eastKms.decrypt(r -> r.ciphertextBlob(fromWest)));
        assertThrows(InvalidCiphertextException.class, () -> westKms.reEncrypt(r -> r.ciphertextBlob(fromEast)
                .destinationKeyId(westKey)));
    }

    static SdkBytes encrypt(KmsClient kms, String keyId, String plaintext) {
        return kms.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String(plaintext))
                .encryptionContext(CONTEXT)).ciphertextBlob();
    }

    static String decrypt(KmsClient kms, SdkBytes blob) {
        return kms.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(CONTEXT)).plaintext().asUtf8String();
    }
}
