package dev.kms.pkcs11;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Pkcs11ConfigTest {

    @Test
    void byLabel_usesDefaultPoolSize() {
        Pkcs11Config config = Pkcs11Config.byLabel("/lib.so", "kms");

        assertEquals(Pkcs11Config.DEFAULT_SESSION_POOL_SIZE, config.sessionPoolSize());
        assertEquals(4, config.withSessionPoolSize(4).sessionPoolSize());
    }

    @Test
    void new_withLabelAndSerial_fails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Pkcs11Config("/lib.so", "kms", "123", 8));
        assertTrue(e.getMessage().contains("tokenLabel"), e.getMessage());
    }

    @Test
    void new_withNeitherLabelNorSerial_fails() {
        assertThrows(IllegalArgumentException.class, () -> new Pkcs11Config("/lib.so", null, null, 8));
    }

    @Test
    void new_withBlankLibrary_fails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pkcs11Config.byLabel(" ", "kms"));
        assertTrue(e.getMessage().contains("libraryPath"), e.getMessage());
    }

    @Test
    void new_withPoolSizeOutOfRange_fails() {
        assertThrows(IllegalArgumentException.class, () -> Pkcs11Config.bySerial("/lib.so", "1").withSessionPoolSize(0));
        assertThrows(IllegalArgumentException.class,
                () -> Pkcs11Config.bySerial("/lib.so", "1").withSessionPoolSize(Pkcs11Config.MAX_SESSION_POOL_SIZE + 1));
    }
}
