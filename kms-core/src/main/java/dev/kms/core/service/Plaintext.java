package dev.kms.core.service;

import java.util.Arrays;

/**
 * Secret bytes handed to a caller (decrypted plaintext, a data key). Never printed; the holder
 * zeroizes them with {@link #destroy()} once it has written them out.
 */
public final class Plaintext implements AutoCloseable {
    private final byte[] bytes;

    Plaintext(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The bytes themselves, not a copy, so that {@link #destroy()} clears what the caller saw. */
    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return bytes.length;
    }

    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public void close() {
        destroy();
    }

    @Override
    public String toString() {
        return "Plaintext[" + bytes.length + " bytes]";
    }
}
