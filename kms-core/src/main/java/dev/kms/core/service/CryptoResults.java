package dev.kms.core.service;

import dev.kms.core.secret.Plaintext;

/** Results of the cryptographic operations; every KeyId is the full key ARN, as AWS returns it. */
public final class CryptoResults {
    private CryptoResults() {
    }

    public record Encrypted(String keyArn, byte[] ciphertextBlob, String encryptionAlgorithm) {
    }

    public record Decrypted(String keyArn, Plaintext plaintext, String encryptionAlgorithm) {
    }

    public record ReEncrypted(String sourceKeyArn, String keyArn, byte[] ciphertextBlob,
                              String sourceEncryptionAlgorithm, String destinationEncryptionAlgorithm) {
    }

    /** A data key; {@code plaintext} is null for GenerateDataKeyWithoutPlaintext. */
    public record DataKey(String keyArn, byte[] ciphertextBlob, Plaintext plaintext) {
    }
}
