package dev.kms.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * The KMS_HOME directory: {@code config.properties}, {@code metadata.db}, {@code audit/} and, for the embedded default,
 * {@code softhsm/} (softhsm2.conf, tokens/, so.pin, user.pin). Chosen by {@code --home}, else the
 * environment variable KMS_HOME, else {@code ~/.kms}; scripts/kms resolves it the same way.
 */
public final class KmsHome {
    public static final String ENV = "KMS_HOME";
    public static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;

    private KmsHome(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public static KmsHome resolve(Path option, Map<String, String> env) {
        if (option != null) {
            return new KmsHome(option);
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new KmsHome(Path.of(fromEnv));
        }
        return new KmsHome(Path.of(System.getProperty("user.home"), ".kms"));
    }

    public Path dir() {
        return dir;
    }

    public Path configFile() {
        return dir.resolve("config.properties");
    }

    public Path database() {
        return dir.resolve("metadata.db");
    }

    /** The audit trail's files (docs/audit-trail.md). */
    public Path auditDirectory() {
        return dir.resolve("audit");
    }

    public Path softhsmDir() {
        return dir.resolve("softhsm");
    }

    /** A path from the config file: absolute as written, else relative to KMS_HOME. */
    public Path resolve(String value) {
        return dir.resolve(value).normalize();
    }

    /** Creates the directory (and its parents) with owner-only permissions when it does not exist. */
    public static void createPrivateDirectory(Path directory) {
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + directory, e);
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
