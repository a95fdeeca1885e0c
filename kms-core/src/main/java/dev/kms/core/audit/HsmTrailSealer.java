package dev.kms.core.audit;

import dev.kms.core.model.MaterialId;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.TrailSealer;

/**
 * Seals with HMAC-SHA-256 under a service-owned HMAC_256 key inside the HSM: the key never leaves the token,
 * so a seal can be made, and checked, only with the token's help.
 */
public final class HsmTrailSealer implements TrailSealer {
    private final Hsm hsm;
    private final MaterialId key;
    private final String keyId;

    /** Seals with the HMAC_256 material {@code key}, named {@code keyId} in digest records. */
    public HsmTrailSealer(Hsm hsm, MaterialId key, String keyId) {
        if (hsm == null || key == null || keyId == null || keyId.isEmpty()) {
            throw new IllegalArgumentException("hsm, key and keyId are required");
        }
        this.hsm = hsm;
        this.key = key;
        this.keyId = keyId;
    }

    @Override
    public byte[] seal(byte[] digest) {
        return hsm.mac(key, digest);
    }

    @Override
    public boolean verify(byte[] digest, byte[] seal) {
        return seal != null && hsm.verifyMac(key, digest, seal);
    }

    @Override
    public String keyId() {
        return keyId;
    }
}
