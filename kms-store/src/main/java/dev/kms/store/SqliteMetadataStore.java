package dev.kms.store;

import dev.kms.core.model.Alias;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.MetadataStore;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link MetadataStore} in one SQLite file, safe for many threads and for several processes on the same file.
 *
 * <p>Connections, transactions and migrations are {@link SqliteDatabase}'s; each method is one transaction.
 * Instants are kept at millisecond precision.
 */
public final class SqliteMetadataStore implements MetadataStore, AutoCloseable {
    private final SqliteDatabase db;

    private SqliteMetadataStore(SqliteDatabase db) {
        this.db = db;
    }

    /** Opens (creating if needed) the store in {@code dbFile} and brings its schema up to date. */
    public static SqliteMetadataStore open(Path dbFile) {
        return open(dbFile, SqliteDatabase.BUSY_TIMEOUT_MS);
    }

    /** Tests shorten the busy timeout to provoke DependencyTimeoutException quickly. */
    static SqliteMetadataStore open(Path dbFile, int busyTimeoutMs) {
        return new SqliteMetadataStore(SqliteDatabase.open(dbFile, "metadata store", busyTimeoutMs));
    }

    @Override
    public void insertKey(KmsKey key) {
        db.change("insert a key", c -> MetadataSql.insertKey(c, key));
    }

    @Override
    public Optional<KmsKey> findKey(String keyId) {
        return db.read("find a key", c -> MetadataSql.findKey(c, keyId));
    }

    @Override
    public List<KmsKey> listKeys(String accountId, String afterKeyId, int limit) {
        requirePositive(limit);
        return db.read("list keys", c -> MetadataSql.listKeys(c, accountId, afterKeyId, limit));
    }

    @Override
    public KmsKey updateKey(KmsKey key) {
        return db.write("update a key", c -> MetadataSql.updateKey(c, key));
    }

    @Override
    public void deleteKey(String keyId) {
        db.change("delete a key", c -> MetadataSql.deleteKey(c, keyId));
    }

    @Override
    public List<KmsKey> findKeysDueAt(Instant now) {
        return db.read("find keys due", c -> MetadataSql.findKeysDueAt(c, now));
    }

    @Override
    public Set<MaterialId> allMaterialIds() {
        return db.read("list material ids", MetadataSql::allMaterialIds);
    }

    @Override
    public void insertAlias(Alias alias) {
        db.change("insert an alias", c -> MetadataSql.insertAlias(c, alias));
    }

    @Override
    public Optional<Alias> findAlias(String accountId, String aliasName) {
        return db.read("find an alias", c -> MetadataSql.findAlias(c, accountId, aliasName));
    }

    @Override
    public void updateAlias(Alias alias) {
        db.change("update an alias", c -> MetadataSql.updateAlias(c, alias));
    }

    @Override
    public void deleteAlias(String accountId, String aliasName) {
        db.change("delete an alias", c -> MetadataSql.deleteAlias(c, accountId, aliasName));
    }

    @Override
    public List<Alias> listAliases(String accountId, String targetKeyId, String afterAliasName, int limit) {
        requirePositive(limit);
        return db.read("list aliases", c -> MetadataSql.listAliases(c, accountId, targetKeyId, afterAliasName, limit));
    }

    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return "SqliteMetadataStore[" + db + "]";
    }

    private static void requirePositive(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
    }
}
