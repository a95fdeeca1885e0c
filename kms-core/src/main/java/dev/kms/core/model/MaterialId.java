package dev.kms.core.model;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Identifies one key material: the CKA_ID of its token object and the material reference inside
 * ciphertext blobs. 16 random bytes, written as 32 lowercase hex digits.
 */
public record MaterialId(String hex) {
    public static final int LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    public MaterialId {
        if (hex == null || !hex.matches("[0-9a-f]{" + 2 * LENGTH + "}")) {
            throw new IllegalArgumentException("material id must be " + 2 * LENGTH + " lowercase hex digits");
        }
    }

    public static MaterialId random() {
        byte[] id = new byte[LENGTH];
        RANDOM.nextBytes(id);
        return fromBytes(id);
    }

    public static MaterialId fromBytes(byte[] id) {
        if (id.length != LENGTH) {
            throw new IllegalArgumentException("material id must be " + LENGTH + " bytes");
        }
        return new MaterialId(HexFormat.of().formatHex(id));
    }

    public byte[] bytes() {
        return HexFormat.of().parseHex(hex);
    }

    @Override
    public String toString() {
        return hex;
    }
}
