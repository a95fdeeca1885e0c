package dev.kms.core.identity;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.MaterialId;
import dev.kms.core.secret.Secret;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretProtectorTest {
    private static final String KEY_ID = "AKIAAAAAAAAAAAAAAAA1";
    private static final char[] SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".toCharArray();

    private final InMemoryHsm hsm = new InMemoryHsm();
    private final SecretProtector protector = new SecretProtector(hsm, key());

    private MaterialId key() {
        MaterialId id = MaterialId.random();
        hsm.generateKey(id, KeySpec.SYMMETRIC_DEFAULT, "kms-service/secrets");
        return id;
    }

    @Test
    void protect_thenReveal_givesTheSecretBack() {
        try (Secret revealed = protector.reveal(KEY_ID, protector.protect(KEY_ID, SECRET))) {
            assertArrayEquals(SECRET, revealed.chars());
        }
    }

    @Test
    void protect_storesNeitherTheSecretNorItsBytes() {
        ProtectedSecret p = protector.protect(KEY_ID, SECRET);
        String stored = new String(p.bytes(), StandardCharsets.ISO_8859_1);
        assertFalse(stored.contains(new String(SECRET)));
        assertFalse(p.base64().contains(new String(SECRET)));
        assertEquals(1, p.bytes()[0]);
        assertEquals(1 + 12 + SECRET.length + 16, p.bytes().length);
        assertFalse(p.toString().contains(new String(SECRET)));
    }

    @Test
    void protect_twice_givesDifferentCiphertexts() {
        assertFalse(protector.protect(KEY_ID, SECRET).equals(protector.protect(KEY_ID, SECRET)));
    }

    @Test
    void reveal_forAnotherAccessKey_failsAsAServerFault() {
        ProtectedSecret p = protector.protect(KEY_ID, SECRET);
        KmsException e = assertThrows(KmsException.class, () -> protector.reveal("AKIAAAAAAAAAAAAAAAA2", p));
        assertEquals(ErrorCode.INTERNAL, e.code());
        assertFalse(e.getMessage().contains(new String(SECRET)));
    }

    @Test
    void reveal_ofATamperedSecret_fails() {
        byte[] bytes = protector.protect(KEY_ID, SECRET).bytes();
        bytes[20] ^= 1;
        assertEquals(ErrorCode.INTERNAL, assertThrows(KmsException.class,
                () -> protector.reveal(KEY_ID, ProtectedSecret.of(bytes))).code());
    }

    @Test
    void reveal_ofAnUnknownFormat_fails() {
        byte[] bytes = protector.protect(KEY_ID, SECRET).bytes();
        bytes[0] = 2;
        assertEquals(ErrorCode.INTERNAL, assertThrows(KmsException.class,
                () -> protector.reveal(KEY_ID, ProtectedSecret.of(bytes))).code());
    }

    @Test
    void reveal_underAnotherKey_fails() {
        ProtectedSecret p = protector.protect(KEY_ID, SECRET);
        assertThrows(KmsException.class, () -> new SecretProtector(hsm, key()).reveal(KEY_ID, p));
    }

    @Test
    void secret_neverPrints_andDestroyZeroizes() {
        Secret secret = Secret.adopt(SECRET.clone());
        char[] chars = secret.chars();
        assertEquals("Secret[redacted]", secret.toString());
        secret.destroy();
        assertTrue(secret.isDestroyed());
        assertArrayEquals(new char[SECRET.length], chars);
        assertThrows(IllegalStateException.class, secret::chars);
    }
}
