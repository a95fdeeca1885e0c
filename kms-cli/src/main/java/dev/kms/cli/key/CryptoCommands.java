package dev.kms.cli.key;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kms.cli.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * Cryptographic commands: aws kms encrypt, decrypt, re-encrypt, generate-data-key(-without-plaintext),
 * generate-random, generate-mac, verify-mac. Blobs are {@code fileb://PATH} or base64; contexts {@code k=v,k2=v2} or
 * JSON.
 */
public final class CryptoCommands {
    private CryptoCommands() {
    }

    /** Options every key-based crypto command has. */
    abstract static class CryptoCommand extends ApiCommand {
        @Option(names = "--grant-tokens", arity = "1..*", converter = Params.Strings.class)
        List<ArrayNode> grantTokens;
    }

    /** A crypto command on the key --key-id names. */
    abstract static class KeyCryptoCommand extends CryptoCommand {
        @Mixin
        KeyIdOption keyId;
    }

    /** The --encryption-context of Encrypt, Decrypt and GenerateDataKey*. */
    static final class EncryptionContextOption {
        @Option(names = "--encryption-context", converter = Params.StringMap.class, paramLabel = "k=v,...|JSON")
        ObjectNode encryptionContext;
    }

    @Command(name = "encrypt", mixinStandardHelpOptions = true, description = "Encrypts up to 4096 bytes under a key.")
    public static final class Encrypt extends KeyCryptoCommand {
        @Option(names = "--plaintext", required = true, converter = Params.Blob.class, paramLabel = "fileb://PATH|BASE64")
        TextNode plaintext;
        @Mixin
        EncryptionContextOption encryptionContext;
        @Option(names = "--encryption-algorithm", description = "SYMMETRIC_DEFAULT (default)")
        String encryptionAlgorithm;
    }

    @Command(name = "decrypt", mixinStandardHelpOptions = true,
            description = "Decrypts a ciphertext blob; the key is named by the blob, --key-id only checks it.")
    public static final class Decrypt extends CryptoCommand {
        @Option(names = "--ciphertext-blob", required = true, converter = Params.Blob.class, paramLabel = "fileb://PATH|BASE64")
        TextNode ciphertextBlob;
        @Mixin
        EncryptionContextOption encryptionContext;
        @Option(names = "--key-id")
        String keyId;
        @Option(names = "--encryption-algorithm")
        String encryptionAlgorithm;
    }

    @Command(name = "re-encrypt", mixinStandardHelpOptions = true,
            description = "Decrypts a blob and encrypts its plaintext under another key (or context), inside the service.")
    public static final class ReEncrypt extends CryptoCommand {
        @Option(names = "--ciphertext-blob", required = true, converter = Params.Blob.class, paramLabel = "fileb://PATH|BASE64")
        TextNode ciphertextBlob;
        @Option(names = "--source-encryption-context", converter = Params.StringMap.class, paramLabel = "k=v,...|JSON")
        ObjectNode sourceEncryptionContext;
        @Option(names = "--source-key-id")
        String sourceKeyId;
        @Option(names = "--destination-key-id", required = true)
        String destinationKeyId;
        @Option(names = "--destination-encryption-context", converter = Params.StringMap.class, paramLabel = "k=v,...|JSON")
        ObjectNode destinationEncryptionContext;
        @Option(names = "--source-encryption-algorithm")
        String sourceEncryptionAlgorithm;
        @Option(names = "--destination-encryption-algorithm")
        String destinationEncryptionAlgorithm;
    }

    /** The members of GenerateDataKey and GenerateDataKeyWithoutPlaintext. */
    abstract static class DataKeyCommand extends KeyCryptoCommand {
        @Mixin
        EncryptionContextOption encryptionContext;
        @Option(names = "--number-of-bytes", description = "1..1024; or give --key-spec")
        Integer numberOfBytes;
        @Option(names = "--key-spec", description = "AES_256 or AES_128; or give --number-of-bytes")
        String keySpec;
    }

    @Command(name = "generate-data-key", mixinStandardHelpOptions = true,
            description = "Returns a random data key in plaintext and encrypted under a key.")
    public static final class GenerateDataKey extends DataKeyCommand {
    }

    @Command(name = "generate-data-key-without-plaintext", mixinStandardHelpOptions = true,
            description = "Returns a random data key encrypted under a key only.")
    public static final class GenerateDataKeyWithoutPlaintext extends DataKeyCommand {
    }

    @Command(name = "generate-random", mixinStandardHelpOptions = true,
            description = "Returns 1 to 1024 random bytes from the HSM.")
    public static final class GenerateRandom extends ApiCommand {
        @Option(names = "--number-of-bytes")
        Integer numberOfBytes;
    }

    /** The members of GenerateMac and VerifyMac. */
    abstract static class MacCommand extends KeyCryptoCommand {
        @Option(names = "--message", required = true, converter = Params.Blob.class, paramLabel = "fileb://PATH|BASE64")
        TextNode message;
        @Option(names = "--mac-algorithm", required = true, description = "The key's: HMAC_SHA_224, _256, _384 or _512")
        String macAlgorithm;
    }

    @Command(name = "generate-mac", mixinStandardHelpOptions = true,
            description = "Computes the HMAC of up to 4096 bytes under an HMAC key, inside the HSM.")
    public static final class GenerateMac extends MacCommand {
    }

    @Command(name = "verify-mac", mixinStandardHelpOptions = true,
            description = "Checks an HMAC inside the HSM; a mismatch is KMSInvalidMacException.")
    public static final class VerifyMac extends MacCommand {
        @Option(names = "--mac", required = true, converter = Params.Blob.class, paramLabel = "fileb://PATH|BASE64")
        TextNode mac;
    }
}
