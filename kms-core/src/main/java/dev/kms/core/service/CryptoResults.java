package dev.kms.core.service;

import dev.kms.core.model.EncryptionAlgorithm;
import dev.kms.core.model.MacAlgorithm;
import dev.kms.core.secret.Plaintext;

/** Results of the cryptographic operations; every KeyId is the full key ARN, as AWS returns it. */
public final class CryptoResults {
    private CryptoResults() {
    }

    public record Encrypted(String keyArn, byte[] ciphertextBlob, EncryptionAlgorithm encryptionAlgorithm) {
    }

    public record Decrypted(String keyArn, Plaintext plaintext, EncryptionAlgorithm encryptionAlgorithm) {
    }

    public record ReEncrypted(String sourceKeyArn, String keyArn, byte[] ciphertextBlob,
                              EncryptionAlgorithm sourceEncryptionAlgorithm,
                              EncryptionAlgorithm destinationEncryptionAlgorithm) {
    }

    /** A data key; {@code plaintext} is null for GenerateDataKeyWithoutPlaintext. */
    public record DataKey(String keyArn, byte[] ciphertextBlob, Plaintext plaintext) {
    }

    /** A MAC with the algorithm and the ARN of the key that computed (or verified) it. */
    public record Mac(String keyArn, byte[] mac, MacAlgorithm macAlgorithm) {
    }
}
