package dev.kms.core.audit;

import dev.kms.core.port.TrailSealer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The behaviour every {@link TrailSealer} shares; the fake and the HSM-backed sealer both extend this. */
public abstract class TrailSealerContract {
    protected TrailSealer sealer;

    /** A sealer over a key of its own. */
    protected abstract TrailSealer newSealer();

    /** A second sealer over a different key. */
    protected abstract TrailSealer otherSealer();

    @BeforeEach
    void openSealer() {
        sealer = newSealer();
    }

    protected static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void seal_thenVerify_succeeds() {
        byte[] digest = sha256("chain up to 42");
        assertTrue(sealer.verify(digest, sealer.seal(digest)));
        assertNotNull(sealer.keyId());
    }

    @Test
    void verify_otherDigest_fails() {
        assertFalse(sealer.verify(sha256("b"), sealer.seal(sha256("a"))));
    }

    @Test
    void verify_flippedSeal_fails() {
        byte[] digest = sha256("a");
        byte[] seal = sealer.seal(digest);
        seal[0] ^= 1;
        assertFalse(sealer.verify(digest, seal));
    }

    @Test
    void verify_sealOfAnotherKey_fails() {
        byte[] digest = sha256("a");
        assertFalse(sealer.verify(digest, otherSealer().seal(digest)));
    }

    @Test
    void verify_emptyOrNullSeal_fails() {
        assertFalse(sealer.verify(sha256("a"), new byte[0]));
        assertFalse(sealer.verify(sha256("a"), null));
    }
}
