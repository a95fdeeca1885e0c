package dev.kms.node;

import dev.kms.core.model.Deployment;
import dev.kms.pkcs11.Pkcs11Config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The contents of KMS_HOME/config.properties: where ARNs live (partition, region, account) and which
 * PKCS#11 token holds the keys. The user PIN is never in it, only where to read the PIN from.
 *
 * @param softhsm2Conf the softhsm2.conf of an embedded SoftHSM2 token, or null for any other HSM
 */
public record NodeConfig(Deployment deployment, String library, String tokenLabel, String tokenSerial, PinSource pin,
                 int sessions, Path softhsm2Conf) {

    public static final String PARTITION = "partition";
    public static final String REGION = "region";
    public static final String ACCOUNT = "account";
    public static final String LIBRARY = "hsm.library";
    public static final String TOKEN_LABEL = "hsm.token.label";
    public static final String TOKEN_SERIAL = "hsm.token.serial";
    public static final String PIN_FILE = "hsm.pin.file";
    public static final String PIN_ENV = "hsm.pin.env";
    public static final String SESSIONS = "hsm.sessions";
    public static final String SOFTHSM2_CONF = "hsm.softhsm2.conf";
    private static final Set<String> KNOWN = Set.of(PARTITION, REGION, ACCOUNT, LIBRARY, TOKEN_LABEL, TOKEN_SERIAL,
            PIN_FILE, PIN_ENV, SESSIONS, SOFTHSM2_CONF);

    /** Documents every property; written at the top of every config file kms creates. */
    public static final String HEADER = """
            # kms configuration: KMS_HOME/config.properties (KMS_HOME is --home, else $KMS_HOME, else ~/.kms).
            # kms wrote this file on first use for its embedded SoftHSM2 token; edit it to use a real HSM.
            # Relative paths are relative to KMS_HOME.
            #
            # partition          ARN partition. Default: aws
            # region             Region in ARNs; bound into every ciphertext. Default: us-east-1
            # account            12-digit account id in ARNs; bound into every ciphertext. Required.
            #                    Changing region or account makes existing ciphertexts undecryptable.
            # hsm.library        Path of the PKCS#11 library of the HSM. Required.
            # hsm.token.label    Label of the token that holds the keys, or
            # hsm.token.serial   its serial number (exactly one of the two).
            # hsm.pin.file       File holding the token's user PIN (keep it owner-only: chmod 600), or
            # hsm.pin.env        the name of an environment variable holding it (exactly one of the two).
            #                    The PIN is never accepted as a command-line argument.
            # hsm.sessions       PKCS#11 sessions kept open. Default: 8
            # hsm.softhsm2.conf  Only for an embedded SoftHSM2 token: its softhsm2.conf. kms refuses to start
            #                    unless SOFTHSM2_CONF names this file; scripts/kms exports it.
            #
            # A network HSM, for example (the PIN comes from the environment):
            #   hsm.library=/opt/safenet/lunaclient/lib/libCryptoki2_64.so
            #   hsm.token.label=kms-partition
            #   hsm.pin.env=KMS_HSM_PIN
            """;

    /** Where the user PIN comes from. */
    public sealed interface PinSource permits PinFile, PinEnv {
        /** The PIN; the caller clears the array. */
        char[] read(Map<String, String> env);
    }

    /** The PIN is the content of a file, without a trailing line break. */
    public record PinFile(Path file) implements PinSource {
        @Override
        public char[] read(Map<String, String> env) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new NodeException("the PIN file " + file + " (" + PIN_FILE + ") does not exist");
            } catch (IOException e) {
                throw new NodeException("cannot read the PIN file " + file + " (" + PIN_FILE + "): " + e.getMessage());
            }
            try {
                CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
                int end = chars.limit();
                while (end > 0 && (chars.get(end - 1) == '\n' || chars.get(end - 1) == '\r')) {
                    end--;
                }
                char[] pin = Arrays.copyOf(chars.array(), end);
                Arrays.fill(chars.array(), '\0');
                if (pin.length == 0) {
                    throw new NodeException("the PIN file " + file + " (" + PIN_FILE + ") is empty");
                }
                return pin;
            } catch (CharacterCodingException e) {
                throw new NodeException("the PIN file " + file + " (" + PIN_FILE + ") is not UTF-8 text");
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        }
    }

    /** The PIN is the value of an environment variable. */
    public record PinEnv(String variable) implements PinSource {
        @Override
        public char[] read(Map<String, String> env) {
            String value = env.get(variable);
            if (value == null || value.isEmpty()) {
                throw new NodeException("the environment variable " + variable + " (" + PIN_ENV + ") is not set");
            }
            return value.toCharArray();
        }
    }

    public Pkcs11Config pkcs11() {
        return new Pkcs11Config(library, tokenLabel, tokenSerial, sessions);
    }

    /** Reads and validates the config file; every problem names the property. */
    public static NodeConfig load(KmsHome home) {
        Path file = home.configFile();
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new NodeException("cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new NodeException(file + " is not a valid properties file: " + e.getMessage());
        }
        Set<String> unknown = new TreeSet<>(props.stringPropertyNames());
        unknown.removeAll(KNOWN);
        if (!unknown.isEmpty()) {
            throw new NodeException(file + ": unknown properties " + unknown + "; known are " + new TreeSet<>(KNOWN));
        }
        Deployment deployment;
        try {
            deployment = new Deployment(get(props, PARTITION, "aws"), get(props, REGION, "us-east-1"),
                    required(props, ACCOUNT, file));
        } catch (IllegalArgumentException e) {
            throw new NodeException(file + ": " + e.getMessage());
        }
        String library = required(props, LIBRARY, file);
        String label = get(props, TOKEN_LABEL, null);
        String serial = get(props, TOKEN_SERIAL, null);
        if ((label == null) == (serial == null)) {
            throw new NodeException(file + ": set exactly one of " + TOKEN_LABEL + " and " + TOKEN_SERIAL);
        }
        String pinFile = get(props, PIN_FILE, null);
        String pinEnv = get(props, PIN_ENV, null);
        if ((pinFile == null) == (pinEnv == null)) {
            throw new NodeException(file + ": set exactly one of " + PIN_FILE + " and " + PIN_ENV);
        }
        PinSource pin = pinFile != null ? new PinFile(home.resolve(pinFile)) : new PinEnv(pinEnv);
        int sessions;
        try {
            sessions = Integer.parseInt(get(props, SESSIONS, String.valueOf(Pkcs11Config.DEFAULT_SESSION_POOL_SIZE)));
        } catch (NumberFormatException e) {
            throw new NodeException(file + ": " + SESSIONS + " must be a number");
        }
        if (sessions < 1 || sessions > Pkcs11Config.MAX_SESSION_POOL_SIZE) {
            throw new NodeException(file + ": " + SESSIONS + " must be between 1 and " + Pkcs11Config.MAX_SESSION_POOL_SIZE);
        }
        String conf = get(props, SOFTHSM2_CONF, null);
        return new NodeConfig(deployment, library, label, serial, pin, sessions, conf == null ? null : home.resolve(conf));
    }

    /**
     * Writes a config file with the documenting header: to a temporary file first, then moved into place,
     * so a crash never leaves half a config (whose absence means "bootstrap the embedded default").
     */
    public static void write(KmsHome home, Map<String, String> values) {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        values.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Path target = home.configFile();
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(KmsHome.OWNER_ONLY_FILE));
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** True when group or others may read the file: worth a warning for a PIN file. */
    public static boolean readableByOthers(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            return perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String get(Properties props, String name, String defaultValue) {
        String value = props.getProperty(name);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    private static String required(Properties props, String name, Path file) {
        String value = get(props, name, null);
        if (value == null) {
            throw new NodeException(file + ": " + name + " is required");
        }
        return value;
    }
}
