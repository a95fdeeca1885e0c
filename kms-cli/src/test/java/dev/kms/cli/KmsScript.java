package dev.kms.cli;

import dev.kms.pkcs11.TestTokens;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code scripts/kms} of this checkout (kms.repo.root, which the kms-cli pom sets), for the tests that run it as a
 * process rather than in-process.
 */
final class KmsScript {
    static final Path REPO_ROOT = Path.of(System.getProperty("kms.repo.root", "..")).toAbsolutePath().normalize();
    static final Path PATH = REPO_ROOT.resolve("scripts/kms");

    private KmsScript() {
    }

    /** Skips the calling test without SoftHSM2: the script's embedded token is a SoftHSM2 token. */
    static void assumeSoftHsm2Installed() {
        assumeTrue(Files.isRegularFile(Path.of(TestTokens.LIBRARY)), "SoftHSM2 is not installed");
    }
}
