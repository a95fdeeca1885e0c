package dev.kms.pkcs11;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoftHsmTokenTest {

    @Test
    void writeConfig_pointsTokenDirIntoDirectory(@TempDir Path dir) throws Exception {
        Path conf = SoftHsmToken.writeConfig(dir);

        String text = Files.readString(conf);
        assertTrue(conf.endsWith("softhsm2.conf"));
        assertTrue(text.contains("directories.tokendir = " + dir.toAbsolutePath().resolve("tokens")), text);
        assertTrue(text.contains("objectstore.backend = file"), text);
        assertTrue(text.contains("log.level = ERROR"), text);
        assertTrue(Files.isDirectory(dir.resolve("tokens")));
    }

    @Test
    void writeConfig_isOwnerOnly_evenOverAFileAnEarlierVersionLeftReadable(@TempDir Path dir) throws Exception {
        Path earlier = dir.resolve("softhsm2.conf");
        Files.writeString(earlier, "old");
        Files.setPosixFilePermissions(earlier, PosixFilePermissions.fromString("rw-r--r--"));

        Path conf = SoftHsmToken.writeConfig(dir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tokens"))));
    }

    @Test
    void environmentPointsAt_theTestJvmConfig() {
        Path conf = TestTokens.requireConfig();

        assertTrue(SoftHsmToken.environmentPointsAt(conf));
        assertFalse(SoftHsmToken.environmentPointsAt(conf.resolveSibling("other.conf")));
    }

    @Test
    void initToken_makesTokenThatExists() {
        TestToken token = TestTokens.newToken("init");

        assertTrue(SoftHsmToken.tokenExists(token.libraryPath(), token.label()));
        assertFalse(SoftHsmToken.tokenExists(token.libraryPath(), token.label() + "-x"));
        Pkcs11Hsm.open(token.config(), token.userPin()).close();
    }

    @Test
    void initToken_withExistingLabel_fails() {
        TestToken token = TestTokens.newToken("dup");

        assertThrows(IllegalArgumentException.class, () -> SoftHsmToken.initToken(token.libraryPath(),
                token.label(), "so-pin-1".toCharArray(), "user-pin-1".toCharArray()));
    }

    @Test
    void initToken_withTooLongLabel_fails() {
        assertThrows(IllegalArgumentException.class, () -> SoftHsmToken.initToken(TestTokens.LIBRARY,
                "x".repeat(33), "so-pin-1".toCharArray(), "user-pin-1".toCharArray()));
    }
}
