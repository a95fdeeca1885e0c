package dev.kms.pkcs11;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Fresh SoftHSM2 tokens for tests. The test JVM must be started with SOFTHSM2_CONF set (the surefire
 * configuration of kms-pkcs11 does it; copy it in other modules); the file is written on first use.
 * Skips the calling test, via {@link Assumptions}, when SoftHSM2 or the variable is missing.
 */
public final class TestTokens {
    /** The SoftHSM2 library; override with the environment variable KMS_TEST_PKCS11_LIBRARY. */
    public static final String LIBRARY = System.getenv().getOrDefault("KMS_TEST_PKCS11_LIBRARY",
            SoftHsmToken.DEFAULT_LIBRARY);
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestTokens() {
    }

    /** A new initialized token labelled {@code prefix-<random>} with random SO and user PINs. */
    public static TestToken newToken(String prefix) {
        Path conf = requireConfig();
        String label = prefix.substring(0, Math.min(prefix.length(), 23)) + "-" + hex(4);
        char[] soPin = ("so-" + hex(8)).toCharArray();
        char[] userPin = ("user-" + hex(8)).toCharArray();
        SoftHsmToken.initToken(LIBRARY, label, soPin, userPin);
        return new TestToken(LIBRARY, conf, label, soPin, userPin);
    }

    /** The SOFTHSM2_CONF file of this JVM, written if missing. */
    public static synchronized Path requireConfig() {
        String env = System.getenv(SoftHsmToken.CONF_ENV);
        Assumptions.assumeTrue(env != null, "SOFTHSM2_CONF is not set for the test JVM");
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(LIBRARY)), "SoftHSM2 library " + LIBRARY + " is missing");
        Path conf = Path.of(env).toAbsolutePath().normalize();
        if (!Files.exists(conf)) {
            if (!conf.getFileName().toString().equals("softhsm2.conf")) {
                throw new IllegalStateException("SOFTHSM2_CONF must name a file called softhsm2.conf: " + conf);
            }
            SoftHsmToken.writeConfig(conf.getParent());
        }
        return conf;
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
