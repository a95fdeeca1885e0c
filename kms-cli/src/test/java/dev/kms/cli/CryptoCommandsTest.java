package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CryptoCommandsTest extends CliTestBase {
    private static final byte[] SECRET = {0, 1, 2, (byte) 0xff, 'h', 'i', '\n'};
    private String keyId;
    private String keyArn;
    private Path secretFile;

    @BeforeEach
    void createKey() throws Exception {
        keyId = kms.createKey();
        keyArn = "arn:aws:kms:us-east-1:" + CliFixture.ACCOUNT + ":key/" + keyId;
        kms.ok("create-alias", "--alias-name", "alias/app", "--target-key-id", keyId);
        secretFile = Files.write(home.resolve("secret.bin"), SECRET);
    }

    @Test
    void encrypt_filebPlaintext_decryptsFromFilebCiphertext() throws Exception {
        JsonNode encrypted = kms.ok("encrypt", "--key-id", "alias/app", "--plaintext", "fileb://" + secretFile,
                "--encryption-context", "purpose=test,app=cli");
        assertEquals(keyArn, encrypted.get("KeyId").asText());
        assertEquals("SYMMETRIC_DEFAULT", encrypted.get("EncryptionAlgorithm").asText());
        Path blob = Files.write(home.resolve("blob.bin"), Base64.getDecoder().decode(encrypted.get("CiphertextBlob").asText()));

        JsonNode decrypted = kms.ok("decrypt", "--ciphertext-blob", "fileb://" + blob,
                "--encryption-context", "{\"app\":\"cli\",\"purpose\":\"test\"}");
        assertEquals(keyArn, decrypted.get("KeyId").asText());
        assertArrayEquals(SECRET, Base64.getDecoder().decode(decrypted.get("Plaintext").asText()));
    }

    @Test
    void generateMac_thenVerifyMac_onAnHmacKey_andAMismatchIsInvalidMac() throws Exception {
        String hmacKey = kms.ok("create-key", "--key-spec", "HMAC_256", "--key-usage", "GENERATE_VERIFY_MAC")
                .get("KeyMetadata").get("KeyId").asText();
        JsonNode generated = kms.ok("generate-mac", "--key-id", hmacKey, "--message", "fileb://" + secretFile,
                "--mac-algorithm", "HMAC_SHA_256");
        assertEquals("arn:aws:kms:us-east-1:" + CliFixture.ACCOUNT + ":key/" + hmacKey, generated.get("KeyId").asText());
        assertEquals("HMAC_SHA_256", generated.get("MacAlgorithm").asText());
        Path mac = Files.write(home.resolve("mac.bin"), Base64.getDecoder().decode(generated.get("Mac").asText()));
        assertEquals(32, Files.size(mac));

        JsonNode verified = kms.ok("verify-mac", "--key-id", hmacKey, "--message", "fileb://" + secretFile,
                "--mac-algorithm", "HMAC_SHA_256", "--mac", "fileb://" + mac);
        assertTrue(verified.get("MacValid").asBoolean());

        kms.run("verify-mac", "--key-id", hmacKey, "--message", "aGVsbG8=", "--mac-algorithm", "HMAC_SHA_256",
                "--mac", "fileb://" + mac).assertServiceError("KMSInvalidMacException");
        kms.run("generate-mac", "--key-id", keyId, "--message", "aGVsbG8=", "--mac-algorithm", "HMAC_SHA_256")
                .assertServiceError("InvalidKeyUsageException");
    }

    @Test
    void encrypt_base64Plaintext_decryptsFromBase64Ciphertext() {
        String plaintext = Base64.getEncoder().encodeToString(SECRET);
        String blob = kms.ok("encrypt", "--key-id", keyId, "--plaintext", plaintext).get("CiphertextBlob").asText();
        assertEquals(plaintext, kms.ok("decrypt", "--ciphertext-blob", blob, "--key-id", keyArn).get("Plaintext").asText());
    }

    @Test
    void queryOutputText_isTheRawBase64_soItPipesIntoBase64Decode() throws Exception {
        CliFixture.Result result = kms.run("encrypt", "--key-id", "alias/app", "--plaintext", "fileb://" + secretFile,
                "--query", "CiphertextBlob", "--output", "text");
        assertEquals(0, result.exit(), result.err());
        assertTrue(result.out().endsWith("\n") && result.out().indexOf('\n') == result.out().length() - 1, result.out());
        byte[] blob = Base64.getMimeDecoder().decode(result.out());
        Path blobFile = Files.write(home.resolve("piped.bin"), blob);

        String plaintext = kms.run("decrypt", "--ciphertext-blob", "fileb://" + blobFile,
                "--query", "Plaintext", "--output", "text").out();
        assertArrayEquals(SECRET, Base64.getMimeDecoder().decode(plaintext));
    }

    @Test
    void encryptionContext_fromFile() throws Exception {
        Path context = Files.writeString(home.resolve("ctx.json"), "{\"tenant\": \"a\"}");
        String blob = kms.ok("encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=",
                "--encryption-context", "file://" + context).get("CiphertextBlob").asText();
        kms.ok("decrypt", "--ciphertext-blob", blob, "--encryption-context", "tenant=a");
    }

    @Test
    void decrypt_wrongEncryptionContext_isInvalidCiphertext() {
        String blob = kms.ok("encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=",
                "--encryption-context", "purpose=test").get("CiphertextBlob").asText();
        kms.run("decrypt", "--ciphertext-blob", blob, "--encryption-context", "purpose=other")
                .assertServiceError("InvalidCiphertextException");
        kms.run("decrypt", "--ciphertext-blob", blob).assertServiceError("InvalidCiphertextException");
    }

    @Test
    void decrypt_tamperedBlob_isInvalidCiphertext() {
        byte[] blob = Base64.getDecoder().decode(kms.ok("encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=")
                .get("CiphertextBlob").asText());
        blob[blob.length - 1] ^= 1;
        kms.run("decrypt", "--ciphertext-blob", Base64.getEncoder().encodeToString(blob))
                .assertServiceError("InvalidCiphertextException");
    }

    @Test
    void decrypt_withAnotherKeyId_isIncorrectKey() {
        String other = kms.createKey();
        String blob = kms.ok("encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=").get("CiphertextBlob").asText();
        kms.run("decrypt", "--ciphertext-blob", blob, "--key-id", other).assertServiceError("IncorrectKeyException");
    }

    @Test
    void encrypt_tooLargePlaintext_isValidationException() throws Exception {
        Path big = Files.write(home.resolve("big.bin"), new byte[4097]);
        kms.run("encrypt", "--key-id", keyId, "--plaintext", "fileb://" + big).assertServiceError("ValidationException");
    }

    @Test
    void reEncrypt_movesACiphertextToAnotherKeyAndContext() {
        String destination = kms.createKey();
        String blob = kms.ok("encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=",
                "--encryption-context", "v=1").get("CiphertextBlob").asText();
        JsonNode reEncrypted = kms.ok("re-encrypt", "--ciphertext-blob", blob, "--source-encryption-context", "v=1",
                "--destination-key-id", destination, "--destination-encryption-context", "v=2", "--source-key-id", "alias/app");
        assertEquals(keyArn, reEncrypted.get("SourceKeyId").asText());
        assertTrue(reEncrypted.get("KeyId").asText().endsWith(destination));
        JsonNode decrypted = kms.ok("decrypt", "--ciphertext-blob", reEncrypted.get("CiphertextBlob").asText(),
                "--encryption-context", "v=2");
        assertEquals("aGVsbG8=", decrypted.get("Plaintext").asText());
        assertTrue(decrypted.get("KeyId").asText().endsWith(destination));
    }

    @Test
    void generateDataKey_byKeySpecAndByNumberOfBytes() {
        JsonNode aes256 = kms.ok("generate-data-key", "--key-id", keyId, "--key-spec", "AES_256", "--encryption-context", "k=v");
        assertEquals(keyArn, aes256.get("KeyId").asText());
        byte[] dataKey = Base64.getDecoder().decode(aes256.get("Plaintext").asText());
        assertEquals(32, dataKey.length);
        JsonNode decrypted = kms.ok("decrypt", "--ciphertext-blob", aes256.get("CiphertextBlob").asText(),
                "--encryption-context", "k=v");
        assertArrayEquals(dataKey, Base64.getDecoder().decode(decrypted.get("Plaintext").asText()));

        JsonNode sixteen = kms.ok("generate-data-key", "--key-id", keyId, "--number-of-bytes", "16");
        assertEquals(16, Base64.getDecoder().decode(sixteen.get("Plaintext").asText()).length);
    }

    @Test
    void generateDataKey_withBothSpecAndBytes_isValidationException() {
        kms.run("generate-data-key", "--key-id", keyId, "--key-spec", "AES_256", "--number-of-bytes", "16")
                .assertServiceError("ValidationException");
    }

    @Test
    void generateDataKeyWithoutPlaintext_hasNoPlaintext() {
        JsonNode response = kms.ok("generate-data-key-without-plaintext", "--key-id", keyId, "--key-spec", "AES_128");
        assertFalse(response.has("Plaintext"), response.toString());
        String plaintext = kms.ok("decrypt", "--ciphertext-blob", response.get("CiphertextBlob").asText()).get("Plaintext").asText();
        assertEquals(16, Base64.getDecoder().decode(plaintext).length);
    }

    @Test
    void generateRandom_returnsTheBytesAsked() {
        String random = kms.ok("generate-random", "--number-of-bytes", "24").get("Plaintext").asText();
        assertEquals(24, Base64.getDecoder().decode(random).length);
        kms.run("generate-random", "--number-of-bytes", "1025").assertServiceError("ValidationException");
    }

    @Test
    void plaintext_fromFileUri_isBase64Text() throws Exception {
        Path text = Files.writeString(home.resolve("plain.b64"), "aGVsbG8=\n", StandardCharsets.UTF_8);
        String blob = kms.ok("encrypt", "--key-id", keyId, "--plaintext", "file://" + text).get("CiphertextBlob").asText();
        assertEquals("aGVsbG8=", kms.ok("decrypt", "--ciphertext-blob", blob).get("Plaintext").asText());
    }
}
