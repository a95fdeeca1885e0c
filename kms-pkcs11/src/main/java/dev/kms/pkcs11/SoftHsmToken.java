package dev.kms.pkcs11;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.Token;
import org.xipki.pkcs11.wrapper.TokenException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_SO;

/**
 * Sets up an embedded SoftHSM2 token store: the configuration file and new tokens.
 *
 * <p>SoftHSM2 reads {@value #CONF_ENV} once, at C_Initialize, and a JVM cannot change its own
 * environment. So the process that loads the library must be started with {@value #CONF_ENV} pointing at
 * {@link #configFile(Path)}: write the file with {@link #writeConfig(Path)} (a launcher script, or a
 * parent process before it starts the JVM that serves), then {@link #initToken} and
 * {@link Pkcs11Hsm#open} work in that process on the already-initialized library.
 */
public final class SoftHsmToken {
    /** Where Debian and Ubuntu install the library. */
    public static final String DEFAULT_LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
    /** The environment variable SoftHSM2 reads its configuration path from. */
    public static final String CONF_ENV = "SOFTHSM2_CONF";
    /** PKCS#11 pads token labels to 32 bytes. */
    public static final int MAX_LABEL_LENGTH = 32;

    private SoftHsmToken() {
    }

    /** {@code dir/softhsm2.conf}. */
    public static Path configFile(Path dir) {
        return dir.resolve("softhsm2.conf");
    }

    /** The repository's softhsm/softhsm2.conf.template, packaged as a resource of this module. */
    private static String template() throws IOException {
        try (var in = SoftHsmToken.class.getResourceAsStream("/softhsm/softhsm2.conf.template")) {
            if (in == null) {
                throw new IOException("softhsm2.conf.template is missing from the kms-pkcs11 jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Writes {@code dir/softhsm2.conf} with its token directory {@code dir/tokens} (file backend, errors-only
     * logging) and creates that directory; returns the file.
     */
    public static Path writeConfig(Path dir) {
        Path tokens = dir.toAbsolutePath().normalize().resolve("tokens");
        Path file = configFile(dir.toAbsolutePath().normalize());
        try {
            String conf = template().replace("@TOKENDIR@", tokens.toString());
            Files.createDirectories(tokens, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
            if (Files.notExists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
            }
            Files.setPosixFilePermissions(file, ownerOnly); // also when an earlier version wrote it 0644
            Files.writeString(file, conf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write SoftHSM2 configuration " + file, e);
        }
        return file;
    }

    /** True when this process was started with {@value #CONF_ENV} naming {@code configFile}. */
    public static boolean environmentPointsAt(Path configFile) {
        String env = System.getenv(CONF_ENV);
        return env != null && Path.of(env).toAbsolutePath().normalize()
                .equals(configFile.toAbsolutePath().normalize());
    }

    /** True when the library shows an initialized token with this label. */
    public static boolean tokenExists(String libraryPath, String label) {
        PKCS11Module module = Pkcs11Modules.acquire(libraryPath);
        try {
            return !tokensLabelled(module, label).isEmpty();
        } catch (TokenException e) {
            throw Pkcs11Errors.translate("listing tokens of " + libraryPath, e);
        } finally {
            Pkcs11Modules.release(module);
        }
    }

    /**
     * Initializes the token of a free slot with {@code label} and the SO PIN (C_InitToken), then sets the
     * user PIN as SO (C_InitPIN). The PINs go through PKCS#11 only, never a command line or a log; the
     * caller owns the arrays and clears them.
     *
     * @throws IllegalArgumentException when the label is too long or a token already has it
     * @throws KmsException KeyUnavailableException when there is no free slot or the library refuses
     */
    public static void initToken(String libraryPath, String label, char[] soPin, char[] userPin) {
        if (label == null || label.isBlank() || label.length() > MAX_LABEL_LENGTH) {
            throw new IllegalArgumentException("label must be 1 to " + MAX_LABEL_LENGTH + " characters");
        }
        PKCS11Module module = Pkcs11Modules.acquire(libraryPath);
        try {
            if (!tokensLabelled(module, label).isEmpty()) {
                throw new IllegalArgumentException("a token labelled '" + label + "' already exists");
            }
            Slot free = freeSlot(module);
            char[] paddedLabel = Arrays.copyOf(label.toCharArray(), MAX_LABEL_LENGTH);
            Arrays.fill(paddedLabel, label.length(), MAX_LABEL_LENGTH, ' ');
            try {
                module.getPKCS11Module().C_InitToken(free.getSlotID(), soPin, paddedLabel, true);
            } catch (iaik.pkcs.pkcs11.wrapper.PKCS11Exception e) {
                throw module.convertException(e);
            }
            // SoftHSM2 moves an initialized token to a new slot id, so find it again by label.
            List<Token> created = tokensLabelled(module, label);
            if (created.size() != 1) {
                throw new KmsException(ErrorCode.INTERNAL, "token '" + label + "' not found after C_InitToken");
            }
            Session session = created.get(0).openSession(true);
            try {
                session.login(CKU_SO, soPin);
                session.initPIN(userPin);
                session.logout();
            } finally {
                session.closeSession();
            }
        } catch (TokenException e) {
            throw Pkcs11Errors.translate("initializing token '" + label + "'", e);
        } finally {
            Pkcs11Modules.release(module);
        }
    }

    private static List<Token> tokensLabelled(PKCS11Module module, String label) throws TokenException {
        return Pkcs11Modules.tokens(module, info -> label.equals(info.getLabel().trim()));
    }

    private static Slot freeSlot(PKCS11Module module) throws TokenException {
        for (Slot slot : module.getSlotList(true)) {
            if (!slot.getToken().getTokenInfo().isTokenInitialized()) {
                return slot;
            }
        }
        throw new KmsException(ErrorCode.KEY_UNAVAILABLE, "no slot with an uninitialized token is free");
    }
}
