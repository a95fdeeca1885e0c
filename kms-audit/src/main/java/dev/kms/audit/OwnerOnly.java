package dev.kms.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The trail's files and directory are the owner's alone: events name principals, keys, source addresses and
 * encryption contexts.
 */
final class OwnerOnly {
    private static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-------");
    static final FileAttribute<Set<PosixFilePermission>> FILE = PosixFilePermissions.asFileAttribute(FILE_PERMISSIONS);
    static final FileAttribute<Set<PosixFilePermission>> DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private OwnerOnly() {
    }

    /** Takes group and other permissions away from an existing file. */
    static void tighten(Path file) throws IOException {
        if (!Files.getPosixFilePermissions(file).equals(FILE_PERMISSIONS)) {
            Files.setPosixFilePermissions(file, FILE_PERMISSIONS);
        }
    }
}
