package dev.kms.core.identity;

import java.util.Arrays;
import java.util.Base64;

/**
 * A secret as the store keeps it: encrypted inside the HSM by {@link SecretProtector}, so the bytes are
 * ciphertext and may be compared and stored, but they are still never printed.
 */
public final class ProtectedSecret {
    private final byte[] bytes;

    private ProtectedSecret(byte[] bytes) {
        this.bytes = bytes;
    }

    public static ProtectedSecret of(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("a protected secret has at least one byte");
        }
        return new ProtectedSecret(bytes.clone());
    }

    /** Reads the form {@link #base64()} wrote, as text columns keep it. */
    public static ProtectedSecret fromBase64(String text) {
        return of(Base64.getDecoder().decode(text));
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ProtectedSecret p && Arrays.equals(bytes, p.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "ProtectedSecret[" + bytes.length + " bytes]";
    }
}
