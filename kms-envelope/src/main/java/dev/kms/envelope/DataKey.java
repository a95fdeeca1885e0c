package dev.kms.envelope;

import dev.kms.core.secret.Plaintext;

import java.util.Objects;

/**
 * A data key as the key service returns it: the ARN of the KMS key that encrypted it, its ciphertext blob and its
 * plaintext. The plaintext is zeroized by {@link #close()}; this type never prints or compares it.
 */
public final class DataKey implements AutoCloseable {
    private final String keyArn;
    private final byte[] ciphertextBlob;
    private final Plaintext plaintext;

    /** Takes ownership of {@code plaintext}: it is cleared on close. */
    public DataKey(String keyArn, byte[] ciphertextBlob, byte[] plaintext) {
        this.keyArn = Objects.requireNonNull(keyArn, "keyArn");
        this.ciphertextBlob = ciphertextBlob.clone();
        this.plaintext = Plaintext.adopt(Objects.requireNonNull(plaintext, "plaintext"));
    }

    public String keyArn() {
        return keyArn;
    }

    public byte[] ciphertextBlob() {
        return ciphertextBlob.clone();
    }

    /** The plaintext itself, not a copy, so that close() clears the only array; do not keep it. */
    byte[] plaintext() {
        return plaintext.bytes();
    }

    @Override
    public void close() {
        plaintext.destroy();
    }

    @Override
    public String toString() {
        return "DataKey[" + keyArn + "]";
    }
}
