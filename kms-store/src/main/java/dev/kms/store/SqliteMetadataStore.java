package dev.kms.store;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.Alias;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.MetadataStore;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link MetadataStore} in one SQLite file, safe for many threads and for several processes on the same file.
 *
 * <p>The file runs in WAL mode: readers take a connection from a small pool and read a consistent snapshot
 * without blocking each other or the writer. Writes go through one connection per store, serialized by a
 * lock inside the process and by {@code BEGIN IMMEDIATE} plus a busy timeout across processes. Each method is
 * one transaction. Instants are kept at millisecond precision.
 */
public final class SqliteMetadataStore implements MetadataStore, AutoCloseable {
    /** How long a write waits for another writer (thread or process), and a read for a free connection. */
    private static final int BUSY_TIMEOUT_MS = 5000;
    private static final int READERS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteMetadataStore.class);

    private final Path file;
    private final int busyTimeoutMs;
    private final Connection writer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    private boolean closed;

    private SqliteMetadataStore(Path file, int busyTimeoutMs, Connection writer, List<Connection> readerConnections) {
        this.file = file;
        this.busyTimeoutMs = busyTimeoutMs;
        this.writer = writer;
        readers.addAll(readerConnections);
    }

    /** Opens (creating if needed) the store in {@code dbFile} and brings its schema up to date. */
    public static SqliteMetadataStore open(Path dbFile) {
        return open(dbFile, BUSY_TIMEOUT_MS);
    }

    /** Tests shorten the busy timeout to provoke DependencyTimeoutException quickly. */
    static SqliteMetadataStore open(Path dbFile, int busyTimeoutMs) {
        migrate(dbFile, busyTimeoutMs);
        SQLiteDataSource dataSource = dataSource(dbFile, busyTimeoutMs);
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i <= READERS; i++) {
                connections.add(dataSource.getConnection());
            }
        } catch (SQLException e) {
            connections.forEach(SqliteMetadataStore::closeQuietly);
            throw new KmsException(ErrorCode.INTERNAL, "Cannot open the metadata store " + dbFile, e);
        }
        return new SqliteMetadataStore(dbFile, busyTimeoutMs, connections.get(0),
                connections.subList(1, connections.size()));
    }

    private static SQLiteDataSource dataSource(Path dbFile, int busyTimeoutMs) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout(busyTimeoutMs);
        config.enforceForeignKeys(true);
        // FULL: a committed key must survive power loss, or its token objects would be orphaned.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + dbFile.toAbsolutePath());
        return dataSource;
    }

    private static void migrate(Path dbFile, int busyTimeoutMs) {
        // Flyway's lock is a no-op on SQLite; IMMEDIATE transactions take the file's write lock before Flyway
        // reads the schema history, so processes opening one file at the same time migrate one after another.
        SQLiteDataSource dataSource = dataSource(dbFile, busyTimeoutMs);
        dataSource.getConfig().setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        try {
            Flyway.configure(SqliteMetadataStore.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .loggers("slf4j")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new KmsException(ErrorCode.INTERNAL, "Cannot migrate the metadata store " + dbFile, e);
        }
    }

    @Override
    public void insertKey(KmsKey key) {
        write("insert a key", c -> {
            MetadataSql.insertKey(c, key);
            return null;
        });
    }

    @Override
    public Optional<KmsKey> findKey(String keyId) {
        return read("find a key", c -> MetadataSql.findKey(c, keyId));
    }

    @Override
    public List<KmsKey> listKeys(String accountId, String afterKeyId, int limit) {
        requirePositive(limit);
        return read("list keys", c -> MetadataSql.listKeys(c, accountId, afterKeyId, limit));
    }

    @Override
    public KmsKey updateKey(KmsKey key) {
        return write("update a key", c -> MetadataSql.updateKey(c, key));
    }

    @Override
    public void deleteKey(String keyId) {
        write("delete a key", c -> {
            MetadataSql.deleteKey(c, keyId);
            return null;
        });
    }

    @Override
    public List<KmsKey> findKeysDueAt(Instant now) {
        return read("find keys due", c -> MetadataSql.findKeysDueAt(c, now));
    }

    @Override
    public Set<MaterialId> allMaterialIds() {
        return read("list material ids", MetadataSql::allMaterialIds);
    }

    @Override
    public void insertAlias(Alias alias) {
        write("insert an alias", c -> {
            MetadataSql.insertAlias(c, alias);
            return null;
        });
    }

    @Override
    public Optional<Alias> findAlias(String accountId, String aliasName) {
        return read("find an alias", c -> MetadataSql.findAlias(c, accountId, aliasName));
    }

    @Override
    public void updateAlias(Alias alias) {
        write("update an alias", c -> {
            MetadataSql.updateAlias(c, alias);
            return null;
        });
    }

    @Override
    public void deleteAlias(String accountId, String aliasName) {
        write("delete an alias", c -> {
            MetadataSql.deleteAlias(c, accountId, aliasName);
            return null;
        });
    }

    @Override
    public List<Alias> listAliases(String accountId, String targetKeyId, String afterAliasName, int limit) {
        requirePositive(limit);
        return read("list aliases", c -> MetadataSql.listAliases(c, accountId, targetKeyId, afterAliasName, limit));
    }

    /** Closes all connections; connections in use by a running call close when it returns them. */
    @Override
    public void close() {
        synchronized (readers) {
            closed = true;
            readers.forEach(SqliteMetadataStore::closeQuietly);
            readers.clear();
        }
        writeLock.lock();
        try {
            closeQuietly(writer);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "SqliteMetadataStore[" + file + "]";
    }

    /** A unit of SQL work inside the transaction the store opened for it. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T read(String operation, Work<T> work) {
        Connection c = borrowReader(operation);
        try {
            // A deferred transaction: every statement of the call reads the same WAL snapshot.
            return inTransaction(c, "BEGIN", operation, work);
        } finally {
            returnReader(c);
        }
    }

    private <T> T write(String operation, Work<T> work) {
        acquire(operation);
        try {
            requireOpen();
            // IMMEDIATE takes the file's write lock up front, so the busy timeout covers other processes'
            // writers instead of failing later when a read transaction would need upgrading.
            return inTransaction(writer, "BEGIN IMMEDIATE", operation, work);
        } finally {
            writeLock.unlock();
        }
    }

    private static <T> T inTransaction(Connection c, String begin, String operation, Work<T> work) {
        boolean committed = false;
        try {
            execute(c, begin);
            T result = work.run(c);
            execute(c, "COMMIT");
            committed = true;
            return result;
        } catch (SQLException e) {
            throw translate(operation, e);
        } finally {
            if (!committed) {
                rollback(c);
            }
        }
    }

    private Connection borrowReader(String operation) {
        requireOpen();
        try {
            Connection c = readers.poll(busyTimeoutMs, TimeUnit.MILLISECONDS);
            if (c == null) {
                throw new KmsException(ErrorCode.DEPENDENCY_TIMEOUT,
                        "The metadata store is busy and could not " + operation + "; try again");
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KmsException(ErrorCode.INTERNAL, "Interrupted while waiting to " + operation, e);
        }
    }

    private void returnReader(Connection c) {
        synchronized (readers) {
            if (closed) {
                closeQuietly(c);
            } else {
                readers.add(c);
            }
        }
    }

    private void requireOpen() {
        synchronized (readers) {
            if (closed) {
                throw new IllegalStateException(this + " is closed");
            }
        }
    }

    private void acquire(String operation) {
        try {
            if (!writeLock.tryLock(busyTimeoutMs, TimeUnit.MILLISECONDS)) {
                throw new KmsException(ErrorCode.DEPENDENCY_TIMEOUT,
                        "The metadata store is busy and could not " + operation + "; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KmsException(ErrorCode.INTERNAL, "Interrupted while waiting to " + operation, e);
        }
    }

    private static void requirePositive(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void rollback(Connection c) {
        try {
            if (!c.isClosed()) {
                execute(c, "ROLLBACK");
            }
        } catch (SQLException e) {
            // Expected when BEGIN itself failed: there is no transaction to roll back.
            LOG.debug("Rollback failed", e);
        }
    }

    /** SQLite's messages name tables and constraints but never parameter values, so the cause is safe to log. */
    private static KmsException translate(String operation, SQLException e) {
        if (isBusy(e)) {
            LOG.debug("Metadata store busy, could not {}", operation, e);
            return new KmsException(ErrorCode.DEPENDENCY_TIMEOUT,
                    "The metadata store is busy and could not " + operation + "; try again", e);
        }
        LOG.warn("Metadata store failed to {}", operation, e);
        return new KmsException(ErrorCode.INTERNAL, "The metadata store failed to " + operation, e);
    }

    private static boolean isBusy(SQLException e) {
        return e instanceof SQLiteException && (e.getErrorCode() == SQLiteErrorCode.SQLITE_BUSY.code
                || e.getErrorCode() == SQLiteErrorCode.SQLITE_LOCKED.code);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("Closing a metadata store connection failed", e);
        }
    }
}
