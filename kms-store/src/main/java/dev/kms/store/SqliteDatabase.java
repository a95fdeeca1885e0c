package dev.kms.store;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One SQLite file opened the way {@link SqliteMetadataStore} opens it: schema migrated by Flyway, WAL mode, a
 * small pool of reader connections reading consistent snapshots, one writer serialized by a lock in the
 * process and {@code BEGIN IMMEDIATE} plus a busy timeout across processes; each unit of work one transaction.
 * Several stores may open the same file; they coordinate like separate processes.
 */
final class SqliteDatabase implements AutoCloseable {
    static final int BUSY_TIMEOUT_MS = 5000;
    private static final int READERS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);

    /** A unit of SQL work inside the transaction the database opened for it. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** A write that answers nothing. */
    interface Change {
        void run(Connection connection) throws SQLException;
    }

    private final Path file;
    private final String storeName;
    private final int busyTimeoutMs;
    private final Connection writer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    private boolean closed;

    private SqliteDatabase(Path file, String storeName, int busyTimeoutMs, Connection writer, List<Connection> readerConnections) {
        this.file = file;
        this.storeName = storeName;
        this.busyTimeoutMs = busyTimeoutMs;
        this.writer = writer;
        readers.addAll(readerConnections);
    }

    /** Opens (creating if needed) {@code dbFile} and brings its schema up to date; {@code storeName} appears in errors. */
    static SqliteDatabase open(Path dbFile, String storeName, int busyTimeoutMs) {
        migrate(dbFile, storeName, busyTimeoutMs);
        ownerOnly(dbFile, storeName);
        SQLiteDataSource dataSource = dataSource(dbFile, busyTimeoutMs);
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i <= READERS; i++) {
                connections.add(dataSource.getConnection());
            }
        } catch (SQLException e) {
            connections.forEach(SqliteDatabase::closeQuietly);
            throw new KmsException(ErrorCode.INTERNAL, "Cannot open the " + storeName + " " + dbFile, e);
        }
        return new SqliteDatabase(dbFile, storeName, busyTimeoutMs, connections.get(0),
                connections.subList(1, connections.size()));
    }

    /**
     * The database, its WAL and its shared-memory index readable by the owner only. They are tightened once
     * SQLite has created them (and after an earlier version left them readable by others); SQLite gives the -wal
     * and -shm files it creates later the database file's mode. Until then the file holds only the schema, in
     * KMS_HOME, which is the owner's alone. (Key material is never in it; access-key records and policies are.)
     */
    private static void ownerOnly(Path dbFile, String storeName) {
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        for (String suffix : List.of("", "-wal", "-shm")) {
            Path file = dbFile.resolveSibling(dbFile.getFileName() + suffix);
            try {
                if (!Files.getPosixFilePermissions(file).equals(ownerOnly)) {
                    Files.setPosixFilePermissions(file, ownerOnly);
                }
            } catch (NoSuchFileException absent) {
                // no WAL or index at the moment: SQLite creates them with the database's mode
            } catch (IOException e) {
                throw new KmsException(ErrorCode.INTERNAL, "Cannot restrict the " + storeName + " " + file, e);
            }
        }
    }

    private static SQLiteDataSource dataSource(Path dbFile, int busyTimeoutMs) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout(busyTimeoutMs);
        config.enforceForeignKeys(true);
        // FULL: a committed access key or service key must survive power loss.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + dbFile.toAbsolutePath());
        return dataSource;
    }

    private static void migrate(Path dbFile, String storeName, int busyTimeoutMs) {
        // As in SqliteMetadataStore: IMMEDIATE transactions serialize concurrent migrations of one file.
        SQLiteDataSource dataSource = dataSource(dbFile, busyTimeoutMs);
        dataSource.getConfig().setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        try {
            Flyway.configure(SqliteDatabase.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .loggers("slf4j")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new KmsException(ErrorCode.INTERNAL, "Cannot migrate the " + storeName + " " + dbFile, e);
        }
    }

    <T> T read(String operation, Work<T> work) {
        Connection c = borrowReader(operation);
        try {
            // A deferred transaction: every statement of the call reads the same WAL snapshot.
            return inTransaction(c, "BEGIN", operation, work);
        } finally {
            returnReader(c);
        }
    }

    /** {@link #write} for a change that answers nothing. */
    void change(String operation, Change change) {
        write(operation, c -> {
            change.run(c);
            return null;
        });
    }

    <T> T write(String operation, Work<T> work) {
        acquire(operation);
        try {
            requireOpen();
            // IMMEDIATE takes the file's write lock up front, so checks and writes of one call see one state.
            return inTransaction(writer, "BEGIN IMMEDIATE", operation, work);
        } finally {
            writeLock.unlock();
        }
    }

    /** Closes all connections; connections in use by a running call close when it returns them. */
    @Override
    public void close() {
        synchronized (readers) {
            closed = true;
            readers.forEach(SqliteDatabase::closeQuietly);
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
        return file.toString();
    }

    private <T> T inTransaction(Connection c, String begin, String operation, Work<T> work) {
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
                throw busy(operation, null);
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
                throw new IllegalStateException("The " + storeName + " " + file + " is closed");
            }
        }
    }

    private void acquire(String operation) {
        try {
            if (!writeLock.tryLock(busyTimeoutMs, TimeUnit.MILLISECONDS)) {
                throw busy(operation, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KmsException(ErrorCode.INTERNAL, "Interrupted while waiting to " + operation, e);
        }
    }

    private KmsException busy(String operation, SQLException cause) {
        return new KmsException(ErrorCode.DEPENDENCY_TIMEOUT,
                "The " + storeName + " is busy and could not " + operation + "; try again", cause);
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
    private KmsException translate(String operation, SQLException e) {
        if (e instanceof SQLiteException && (e.getErrorCode() == SQLiteErrorCode.SQLITE_BUSY.code
                || e.getErrorCode() == SQLiteErrorCode.SQLITE_LOCKED.code)) {
            LOG.debug("{} busy, could not {}", storeName, operation, e);
            return busy(operation, e);
        }
        LOG.warn("The {} failed to {}", storeName, operation, e);
        return new KmsException(ErrorCode.INTERNAL, "The " + storeName + " failed to " + operation, e);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("Closing a connection failed", e);
        }
    }
}
