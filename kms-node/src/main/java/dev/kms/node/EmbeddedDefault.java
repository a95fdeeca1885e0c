package dev.kms.node;

import dev.kms.pkcs11.SoftHsmToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The setup a new user gets without knowing anything about HSMs: a SoftHSM2 token store inside
 * KMS_HOME/softhsm, a token labelled {@value #TOKEN_LABEL} initialised with random SO and user PINs kept
 * in owner-only files, a random account id, and a config.properties that points at all of it.
 */
public final class EmbeddedDefault {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDefault.class);
    public static final String TOKEN_LABEL = "kms";
    public static final String SO_PIN_FILE = "softhsm/so.pin";
    public static final String USER_PIN_FILE = "softhsm/user.pin";
    public static final String SOFTHSM2_CONF_FILE = "softhsm/softhsm2.conf";
    /** Where distributions install SoftHSM2; the first that exists is used. */
    private static final List<String> LIBRARIES = List.of(SoftHsmToken.DEFAULT_LIBRARY,
            "/usr/lib64/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
            "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so",
            "/opt/homebrew/lib/softhsm/libsofthsm2.so");
    private static final int PIN_BYTES = 24;
    private static final SecureRandom RANDOM = new SecureRandom();

    private EmbeddedDefault() {
    }

    /** The softhsm2.conf of the embedded token of {@code home}, whether or not it exists yet. */
    public static Path softhsm2Conf(KmsHome home) {
        return home.resolve(SOFTHSM2_CONF_FILE);
    }

    /**
     * Creates the embedded default in {@code home}. Safe to repeat after an interruption: the config file
     * is written last, and a token already initialised with PIN files in place is reused.
     */
    public static void create(KmsHome home) {
        Path conf = softhsm2Conf(home);
        requireEnvironment(conf);
        String library = LIBRARIES.stream().filter(l -> Files.isRegularFile(Path.of(l))).findFirst()
                .orElseThrow(() -> new NodeException("SoftHSM2 is not installed (no libsofthsm2.so in " + LIBRARIES
                        + "); install it (Debian: apt-get install softhsm2), or write " + home.configFile()
                        + " for your HSM"));
        KmsHome.createPrivateDirectory(home.dir());
        KmsHome.createPrivateDirectory(home.softhsmDir());
        SoftHsmToken.writeConfig(home.softhsmDir());
        setOwnerOnly(home.softhsmDir().resolve("tokens"));

        Path soPinFile = home.resolve(SO_PIN_FILE);
        Path userPinFile = home.resolve(USER_PIN_FILE);
        boolean pinsExist = Files.exists(soPinFile) && Files.exists(userPinFile);
        if (SoftHsmToken.tokenExists(library, TOKEN_LABEL)) {
            if (!pinsExist) {
                throw new NodeException("the SoftHSM2 store " + conf + " already has a token '" + TOKEN_LABEL
                        + "' but its PIN files are missing; move " + home.softhsmDir() + " aside and retry");
            }
            LOG.info("Reusing the existing token '{}' in {}", TOKEN_LABEL, conf);
        } else {
            char[] soPin = randomPin();
            char[] userPin = randomPin();
            try {
                writeSecret(soPinFile, soPin);
                writeSecret(userPinFile, userPin);
                SoftHsmToken.initToken(library, TOKEN_LABEL, soPin, userPin);
            } finally {
                Arrays.fill(soPin, '\0');
                Arrays.fill(userPin, '\0');
            }
            LOG.info("Initialised SoftHSM2 token '{}' in {}", TOKEN_LABEL, conf);
        }

        Map<String, String> values = new LinkedHashMap<>();
        values.put(NodeConfig.PARTITION, "aws");
        values.put(NodeConfig.REGION, "us-east-1");
        values.put(NodeConfig.ACCOUNT, randomAccount());
        values.put(NodeConfig.LIBRARY, library);
        values.put(NodeConfig.TOKEN_LABEL, TOKEN_LABEL);
        values.put(NodeConfig.PIN_FILE, USER_PIN_FILE);
        values.put(NodeConfig.SESSIONS, "4");
        values.put(NodeConfig.SOFTHSM2_CONF, SOFTHSM2_CONF_FILE);
        NodeConfig.write(home, values);
    }

    /**
     * SoftHSM2 reads SOFTHSM2_CONF once, when the library initialises, and a JVM cannot change its own
     * environment; so a process started without it would silently use the system-wide token store.
     * Refuse instead, and say how to start it right.
     */
    public static void requireEnvironment(Path conf) {
        if (!SoftHsmToken.environmentPointsAt(conf)) {
            String actual = System.getenv(SoftHsmToken.CONF_ENV);
            throw new NodeException("the embedded SoftHSM2 token needs SOFTHSM2_CONF=" + conf + " in the environment"
                    + (actual == null ? " (it is not set)" : " (it is " + actual + ")")
                    + "; run kms through scripts/kms, or export SOFTHSM2_CONF=" + conf);
        }
    }

    /** Random printable PIN: base64url of {@value #PIN_BYTES} random bytes. */
    private static char[] randomPin() {
        byte[] random = new byte[PIN_BYTES];
        RANDOM.nextBytes(random);
        byte[] encoded = java.util.Base64.getUrlEncoder().withoutPadding().encode(random);
        char[] pin = new char[encoded.length];
        for (int i = 0; i < encoded.length; i++) {
            pin[i] = (char) encoded[i];
        }
        Arrays.fill(random, (byte) 0);
        Arrays.fill(encoded, (byte) 0);
        return pin;
    }

    /** Writes a secret to a new file created owner-only (0600), so it is never readable by others. */
    private static void writeSecret(Path file, char[] secret) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(secret));
        byte[] array = new byte[bytes.remaining()];
        bytes.get(array);
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(KmsHome.OWNER_ONLY_FILE));
            Files.write(file, array);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } finally {
            Arrays.fill(array, (byte) 0);
            if (bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
        }
    }

    /** A random 12-digit account id; the first digit is not zero. */
    private static String randomAccount() {
        StringBuilder account = new StringBuilder().append(1 + RANDOM.nextInt(9));
        for (int i = 1; i < 12; i++) {
            account.append(RANDOM.nextInt(10));
        }
        return account.toString();
    }

    private static void setOwnerOnly(Path directory) {
        try {
            Files.setPosixFilePermissions(directory, KmsHome.OWNER_ONLY_DIR);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict permissions of " + directory, e);
        }
    }
}
