package dev.kms.core.fake;

import dev.kms.core.model.MacAlgorithm;
import dev.kms.core.port.TrailSealer;

import javax.crypto.spec.SecretKeySpec;
import java.security.MessageDigest;
import java.security.SecureRandom;

/** HMAC-SHA256 seals under a key held in memory, standing in for the service-owned HMAC key in the HSM. */
public final class InMemoryTrailSealer implements TrailSealer {
    private final SecretKeySpec key;
    private final String keyId;

    private InMemoryTrailSealer(byte[] key, String keyId) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.keyId = keyId;
    }

    /** A sealer with a fresh random key. */
    public static InMemoryTrailSealer random(String keyId) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new InMemoryTrailSealer(key, keyId);
    }

    /** A sealer over given key bytes, so that another process (or a later test step) can verify its seals. */
    public static InMemoryTrailSealer withKey(byte[] key, String keyId) {
        return new InMemoryTrailSealer(key.clone(), keyId);
    }

    @Override
    public byte[] seal(byte[] digest) {
        return InMemoryHsm.hmac(key, MacAlgorithm.HMAC_SHA_256, digest);
    }

    @Override
    public boolean verify(byte[] digest, byte[] seal) {
        return seal != null && MessageDigest.isEqual(seal(digest), seal);
    }

    @Override
    public String keyId() {
        return keyId;
    }

    @Override
    public String toString() {
        return "InMemoryTrailSealer[" + keyId + "]";
    }
}
