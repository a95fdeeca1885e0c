package dev.kms.core.secret;

import java.util.Arrays;

/**
 * Secret bytes handed to a caller (decrypted plaintext, a data key); the holder destroys them once it has
 * written them out.
 */
public final class Plaintext extends Sensitive {
    private final byte[] bytes;

    private Plaintext(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Takes ownership of {@code bytes}: the caller must not keep using the array. */
    public static Plaintext adopt(byte[] bytes) {
        return new Plaintext(bytes);
    }

    /** The bytes themselves, not a copy, so that {@link #destroy()} clears what the caller saw. */
    public byte[] bytes() {
        requireAlive();
        return bytes;
    }

    @Override
    public int length() {
        return bytes.length;
    }

    @Override
    void zeroize() {
        Arrays.fill(bytes, (byte) 0);
    }
}
