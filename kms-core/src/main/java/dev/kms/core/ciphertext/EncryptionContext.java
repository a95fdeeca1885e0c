package dev.kms.core.ciphertext;

import dev.kms.core.error.KmsException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The encryption context of a request: non-secret key/value pairs bound to a ciphertext as
 * authenticated data. Order does not matter; case does. See docs/ciphertext-format.md, "Encryption context".
 */
public final class EncryptionContext {
    /** Bounds the serialized size so a request cannot make the AAD arbitrarily large. */
    public static final int MAX_SERIALIZED_BYTES = 8192;
    private static final EncryptionContext EMPTY = new EncryptionContext(new TreeMap<>());

    private final TreeMap<String, String> pairs;
    private final byte[] serialized;

    private EncryptionContext(TreeMap<String, String> pairs) {
        this.pairs = pairs;
        this.serialized = encode(pairs);
    }

    public static EncryptionContext empty() {
        return EMPTY;
    }

    /** Validates and copies the pairs; null means no context. */
    public static EncryptionContext of(Map<String, String> pairs, String field) {
        if (pairs == null || pairs.isEmpty()) {
            return EMPTY;
        }
        TreeMap<String, String> sorted = new TreeMap<>(EncryptionContext::compareUtf8);
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null) {
                throw KmsException.validation(field, "keys must be non-empty strings and values non-null strings");
            }
            if (e.getKey().length() > MAX_SERIALIZED_BYTES || e.getValue().length() > MAX_SERIALIZED_BYTES) {
                throw KmsException.validation(field, "serialized size must be at most " + MAX_SERIALIZED_BYTES + " bytes");
            }
            sorted.put(e.getKey(), e.getValue());
        }
        EncryptionContext context = new EncryptionContext(sorted);
        if (context.serialized.length > MAX_SERIALIZED_BYTES) {
            throw KmsException.validation(field, "serialized size must be at most " + MAX_SERIALIZED_BYTES + " bytes");
        }
        return context;
    }

    public Map<String, String> asMap() {
        return java.util.Collections.unmodifiableMap(pairs);
    }

    /**
     * Canonical bytes: pair count, then each pair sorted by the UTF-8 bytes of its key, as
     * 2-byte big-endian length-prefixed UTF-8 key and value.
     */
    public byte[] serialize() {
        return serialized.clone();
    }

    private static byte[] encode(Map<String, String> pairs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeLength(out, pairs.size());
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        // of() bounds each string to 8192 chars, at most 24576 UTF-8 bytes: the 2-byte length always fits.
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeLength(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        out.write(length >>> 8);
        out.write(length);
    }

    private static int compareUtf8(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptionContext other && pairs.equals(other.pairs);
    }

    @Override
    public int hashCode() {
        return pairs.hashCode();
    }

    @Override
    public String toString() {
        return pairs.toString();
    }
}
