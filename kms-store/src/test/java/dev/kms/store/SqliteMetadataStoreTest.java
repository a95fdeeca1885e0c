package dev.kms.store;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.Alias;
import dev.kms.core.model.KeyManager;
import dev.kms.core.model.KeyMaterial;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.KeyState;
import dev.kms.core.model.KeyUsage;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.MaterialId;
import dev.kms.core.model.Origin;
import dev.kms.core.model.RotationSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the contract cannot say: the file, its schema history, several stores on one file, SQLite errors. */
class SqliteMetadataStoreTest {
    private static final String ACCOUNT = "111122223333";
    private static final Instant T0 = Instant.parse("2025-01-02T03:04:05.678Z");

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("kms.db");
    }

    private static KmsKey key(String keyId) {
        return new KmsKey(keyId, ACCOUNT, "a key", T0, KeyState.Enabled, KeySpec.SYMMETRIC_DEFAULT,
                KeyUsage.ENCRYPT_DECRYPT, Origin.AWS_KMS, KeyManager.CUSTOMER, null, null, RotationSchedule.off(),
                List.of(new KeyMaterial(MaterialId.random(), T0, null)), Map.of("team", "payments"), null, 0);
    }

    private Connection jdbc() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file().toAbsolutePath());
    }

    @Test
    void open_createsSchemaInWalMode() throws SQLException {
        try (SqliteMetadataStore store = SqliteMetadataStore.open(file())) {
            store.insertKey(key("k1"));
        }
        try (Connection c = jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            assertTrue(rs.next());
            assertEquals("wal", rs.getString(1));
        }
    }

    @Test
    void reopen_keepsDataAndRunsMigrationsOnce() throws Exception {
        KmsKey key = key("k1");
        Alias alias = new Alias(ACCOUNT, "alias/payments", "k1", T0, T0);
        try (SqliteMetadataStore store = SqliteMetadataStore.open(file())) {
            store.insertKey(key);
            store.insertAlias(alias);
        }
        try (SqliteMetadataStore store = SqliteMetadataStore.open(file())) {
            assertEquals(key, store.findKey("k1").orElseThrow());
            assertEquals(alias, store.findAlias(ACCOUNT, "alias/payments").orElseThrow());
        }
        try (SqliteMetadataStore ignored = SqliteMetadataStore.open(file())) {
            // a third open must not apply anything again either
        }
        assertEquals(shippedMigrations(), appliedMigrations(file()));
    }

    private static List<String> appliedMigrations(Path db) throws SQLException {
        List<String> applied = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, success FROM flyway_schema_history "
                     + "WHERE version IS NOT NULL ORDER BY installed_rank")) {
            while (rs.next()) {
                assertTrue(rs.getBoolean("success"));
                applied.add(rs.getString("version"));
            }
        }
        return applied;
    }

    @Test
    void open_fromSeveralThreadsOnAFreshFile_migratesOnce() throws Exception {
        int openers = 4;
        for (int round = 0; round < 5; round++) {
            Path fresh = dir.resolve("race-" + round + ".db");
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(openers);
            try {
                List<Future<SqliteMetadataStore>> opened = new ArrayList<>();
                for (int i = 0; i < openers; i++) {
                    opened.add(pool.submit(() -> {
                        start.await();
                        return SqliteMetadataStore.open(fresh);
                    }));
                }
                start.countDown();
                for (Future<SqliteMetadataStore> f : opened) {
                    f.get(1, TimeUnit.MINUTES).close();
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(shippedMigrations(), appliedMigrations(fresh));
        }
    }

    @Test
    void twoStoresOnOneFile_seeEachOthersWrites() {
        try (SqliteMetadataStore a = SqliteMetadataStore.open(file());
             SqliteMetadataStore b = SqliteMetadataStore.open(file())) {
            a.insertKey(key("k1"));
            KmsKey fromB = b.findKey("k1").orElseThrow();
            KmsKey updated = b.updateKey(fromB.withDescription("changed by b"));

            assertEquals("changed by b", a.findKey("k1").orElseThrow().description());
            assertEquals(1, a.findKey("k1").orElseThrow().version());
            assertEquals(ErrorCode.CONFLICT, assertThrows(KmsException.class,
                    () -> a.updateKey(fromB.withDescription("stale"))).code());

            a.insertAlias(new Alias(ACCOUNT, "alias/x", "k1", T0, T0));
            b.deleteKey(updated.keyId());
            assertTrue(a.findKey("k1").isEmpty());
            assertTrue(a.findAlias(ACCOUNT, "alias/x").isEmpty());
        }
    }

    @Test
    void twoStoresOnOneFile_concurrentUpdatesWithRetries_endAtFinalVersion() throws Exception {
        int threadsPerStore = 4;
        int updatesPerThread = 15;
        try (SqliteMetadataStore a = SqliteMetadataStore.open(file());
             SqliteMetadataStore b = SqliteMetadataStore.open(file())) {
            a.insertKey(key("k1"));
            ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerStore);
            try {
                List<Callable<Void>> tasks = new ArrayList<>();
                for (int t = 0; t < 2 * threadsPerStore; t++) {
                    SqliteMetadataStore store = t % 2 == 0 ? a : b;
                    String name = "thread-" + t;
                    tasks.add(() -> {
                        for (int i = 0; i < updatesPerThread; i++) {
                            while (true) {
                                KmsKey current = store.findKey("k1").orElseThrow();
                                try {
                                    store.updateKey(current.withDescription(name + "-" + i));
                                    break;
                                } catch (KmsException e) {
                                    assertEquals(ErrorCode.CONFLICT, e.code()); // another writer won: retry
                                }
                            }
                        }
                        return null;
                    });
                }
                for (Future<Void> f : pool.invokeAll(tasks, 2, TimeUnit.MINUTES)) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(2L * threadsPerStore * updatesPerThread, b.findKey("k1").orElseThrow().version());
        }
    }

    @Test
    void insertKey_whoseMaterialIdIsTaken_failsInternalAndWritesNothing() {
        try (SqliteMetadataStore store = SqliteMetadataStore.open(file())) {
            KmsKey first = key("k1");
            store.insertKey(first);
            KmsKey clash = key("k2").withMaterials(first.materials());

            KmsException e = assertThrows(KmsException.class, () -> store.insertKey(clash));

            assertEquals(ErrorCode.INTERNAL, e.code());
            assertEquals("The metadata store failed to insert a key", e.getMessage());
            assertTrue(store.findKey("k2").isEmpty());
            assertEquals(List.of("k1"), store.listKeys(ACCOUNT, null, 10).stream().map(KmsKey::keyId).toList());
        }
    }

    @Test
    void write_whileAnotherProcessHoldsTheWriteLock_failsDependencyTimeout() throws SQLException {
        try (SqliteMetadataStore store = SqliteMetadataStore.open(file(), 200);
             Connection other = jdbc(); Statement s = other.createStatement()) {
            store.insertKey(key("k1"));
            s.execute("BEGIN IMMEDIATE");
            try {
                KmsException e = assertThrows(KmsException.class, () -> store.insertKey(key("k2")));
                assertEquals(ErrorCode.DEPENDENCY_TIMEOUT, e.code());
                assertFalse(e.getMessage().contains("k2"));
                // WAL readers are not blocked by the writer.
                assertTrue(store.findKey("k1").isPresent());
            } finally {
                s.execute("ROLLBACK");
            }
            store.insertKey(key("k2"));
            assertTrue(store.findKey("k2").isPresent());
        }
    }

    @Test
    void close_thenUse_fails() {
        SqliteMetadataStore store = SqliteMetadataStore.open(file());
        store.close();
        assertThrows(IllegalStateException.class, () -> store.findKey("k1"));
        assertThrows(IllegalStateException.class, () -> store.insertKey(key("k1")));
    }

    /** The versions of the migration scripts this build ships, in order: each must be applied exactly once. */
    private static List<String> shippedMigrations() throws Exception {
        try (var files = java.nio.file.Files.list(Path.of(SqliteMetadataStore.class.getResource("/db/migration").toURI()))) {
            return files.map(f -> f.getFileName().toString())
                    .map(name -> name.substring(1, name.indexOf("__")))
                    .sorted(java.util.Comparator.comparingInt(Integer::parseInt))
                    .toList();
        }
    }
}
