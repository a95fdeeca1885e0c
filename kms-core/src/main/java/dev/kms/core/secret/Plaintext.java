package dev.kms.core.secret;

import java.util.Arrays;

/**
 * Secret bytes handed to a caller (decrypted plaintext, a data key); the holder destroys them once it has
 * written them out.
 */
public final class Plaintext implements Sensitive {
    private final byte[] bytes;
    private boolean destroyed;

    private Plaintext(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Takes ownership of {@code bytes}: the caller must not keep using the array. */
    public static Plaintext adopt(byte[] bytes) {
        return new Plaintext(bytes);
    }

    /** The bytes themselves, not a copy, so that {@link #destroy()} clears what the caller saw. */
    public byte[] bytes() {
        if (destroyed) {
            throw new IllegalStateException("the plaintext has been destroyed");
        }
        return bytes;
    }

    @Override
    public int length() {
        return bytes.length;
    }

    @Override
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "Plaintext[" + bytes.length + " bytes]";
    }
}
