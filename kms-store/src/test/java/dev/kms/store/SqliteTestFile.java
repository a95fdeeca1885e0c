package dev.kms.store;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A fresh SQLite file for each test, and every store a test opens on it closed after the test. An extension, not
 * a base class, because the contract and scenario tests already extend their suite's class.
 */
final class SqliteTestFile implements BeforeEachCallback, AfterEachCallback {
    private final List<AutoCloseable> opened = new ArrayList<>();
    private Path dir;

    SqliteMetadataStore openMetadataStore() {
        return remember(SqliteMetadataStore.open(file()));
    }

    SqliteIdentityStore openIdentityStore() {
        return remember(SqliteIdentityStore.open(file()));
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("kms-store-test");
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (AutoCloseable store : opened) {
            store.close();
        }
        opened.clear();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(SqliteTestFile::delete);
        }
    }

    private Path file() {
        return dir.resolve("kms.db");
    }

    private <T extends AutoCloseable> T remember(T store) {
        opened.add(store);
        return store;
    }

    private static void delete(Path path) {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
