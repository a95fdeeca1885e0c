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
import dev.kms.core.model.RotationType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The store's SQL over one connection inside a transaction the caller opened. Only portable SQL (plus
 * LIMIT, which SQLite and PostgreSQL share), so a store for another database can reuse it.
 */
final class MetadataSql {
    private static final String KEY_COLUMNS = "key_id, account_id, description, creation_date, state, key_spec, "
            + "key_usage, origin, key_manager, deletion_date, pending_window_days, rotation_enabled, "
            + "rotation_period_days, next_rotation, policy, version";
    private static final String ALIAS_COLUMNS = "account_id, alias_name, target_key_id, creation_date, last_updated";

    private MetadataSql() {
    }

    static void insertKey(Connection c, KmsKey key) throws SQLException {
        if (keyExists(c, key.keyId())) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS, "Key '" + key.keyId() + "' already exists");
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO keys (" + KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, key.keyId());
            s.setString(2, key.accountId());
            s.setString(3, key.description());
            s.setLong(4, key.creationDate().toEpochMilli());
            s.setString(5, key.state().name());
            s.setString(6, key.keySpec().name());
            s.setString(7, key.keyUsage().name());
            s.setString(8, key.origin().name());
            s.setString(9, key.keyManager().name());
            setDeletionRotationAndPolicy(s, 10, key);
            s.setLong(16, key.version());
            s.executeUpdate();
        }
        insertMaterials(c, key.keyId(), key.materials(), 0);
        insertTags(c, key.keyId(), key.tags());
    }

    static Optional<KmsKey> findKey(Connection c, String keyId) throws SQLException {
        List<KmsKey> found = queryKeys(c, "SELECT " + KEY_COLUMNS + " FROM keys WHERE key_id = ?", keyId);
        return found.stream().findFirst();
    }

    static List<KmsKey> listKeys(Connection c, String accountId, String afterKeyId, int limit) throws SQLException {
        if (afterKeyId == null) {
            return queryKeys(c, "SELECT " + KEY_COLUMNS + " FROM keys WHERE account_id = ? ORDER BY key_id LIMIT ?",
                    accountId, limit);
        }
        return queryKeys(c, "SELECT " + KEY_COLUMNS + " FROM keys WHERE account_id = ? AND key_id > ? "
                + "ORDER BY key_id LIMIT ?", accountId, afterKeyId, limit);
    }

    /** See {@link dev.kms.core.port.MetadataStore#updateKey}: compare-and-set on the version column. */
    static KmsKey updateKey(Connection c, KmsKey key) throws SQLException {
        long newVersion = key.version() + 1;
        try (PreparedStatement s = c.prepareStatement("UPDATE keys SET description = ?, state = ?, "
                + "deletion_date = ?, pending_window_days = ?, rotation_enabled = ?, rotation_period_days = ?, "
                + "next_rotation = ?, policy = ?, version = ? WHERE key_id = ? AND version = ?")) {
            s.setString(1, key.description());
            s.setString(2, key.state().name());
            setDeletionRotationAndPolicy(s, 3, key);
            s.setLong(9, newVersion);
            s.setString(10, key.keyId());
            s.setLong(11, key.version());
            if (s.executeUpdate() == 0) {
                if (keyExists(c, key.keyId())) {
                    throw new KmsException(ErrorCode.CONFLICT,
                            "Key " + key.keyId() + " changed since version " + key.version());
                }
                throw notFound(key.keyId());
            }
        }
        update(c, "DELETE FROM key_tags WHERE key_id = ?", key.keyId());
        insertTags(c, key.keyId(), key.tags());

        // Materials are append-only: stored ones stay, unknown ones are added after them.
        Set<String> stored = new HashSet<>();
        int nextOrdinal = 0;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT material_id, ordinal FROM key_materials WHERE key_id = ?")) {
            s.setString(1, key.keyId());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                    nextOrdinal = Math.max(nextOrdinal, rs.getInt(2) + 1);
                }
            }
        }
        List<KeyMaterial> added = key.materials().stream().filter(m -> !stored.contains(m.id().hex())).toList();
        insertMaterials(c, key.keyId(), added, nextOrdinal);
        return key.withVersion(newVersion);
    }

    static void deleteKey(Connection c, String keyId) throws SQLException {
        // Explicit deletes rather than ON DELETE CASCADE alone, so the outcome does not depend on FK settings.
        update(c, "DELETE FROM aliases WHERE target_key_id = ?", keyId);
        update(c, "DELETE FROM key_tags WHERE key_id = ?", keyId);
        update(c, "DELETE FROM key_materials WHERE key_id = ?", keyId);
        update(c, "DELETE FROM keys WHERE key_id = ?", keyId);
    }

    static List<KmsKey> findKeysDueAt(Connection c, Instant now) throws SQLException {
        long millis = now.toEpochMilli();
        return queryKeys(c, "SELECT " + KEY_COLUMNS + " FROM keys "
                        + "WHERE (state = ? AND deletion_date <= ?) OR (rotation_enabled = ? AND next_rotation <= ?) "
                        + "ORDER BY key_id",
                KeyState.PendingDeletion.name(), millis, true, millis);
    }

    static Set<MaterialId> allMaterialIds(Connection c) throws SQLException {
        Set<MaterialId> ids = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT material_id FROM key_materials");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                ids.add(new MaterialId(rs.getString(1)));
            }
        }
        return ids;
    }

    static void insertAlias(Connection c, Alias alias) throws SQLException {
        if (!keyExists(c, alias.targetKeyId())) {
            throw notFound(alias.targetKeyId());
        }
        if (findAlias(c, alias.accountId(), alias.aliasName()).isPresent()) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS,
                    "An alias with the name " + alias.aliasName() + " already exists");
        }
        update(c, "INSERT INTO aliases (" + ALIAS_COLUMNS + ") VALUES (?, ?, ?, ?, ?)", alias.accountId(),
                alias.aliasName(), alias.targetKeyId(), alias.creationDate().toEpochMilli(),
                alias.lastUpdatedDate().toEpochMilli());
    }

    static Optional<Alias> findAlias(Connection c, String accountId, String aliasName) throws SQLException {
        return queryAliases(c, "SELECT " + ALIAS_COLUMNS + " FROM aliases WHERE account_id = ? AND alias_name = ?",
                accountId, aliasName).stream().findFirst();
    }

    static void updateAlias(Connection c, Alias alias) throws SQLException {
        if (findAlias(c, alias.accountId(), alias.aliasName()).isEmpty()) {
            throw KmsException.notFound("Alias " + alias.aliasName());
        }
        if (!keyExists(c, alias.targetKeyId())) {
            throw notFound(alias.targetKeyId());
        }
        update(c, "UPDATE aliases SET target_key_id = ?, last_updated = ? WHERE account_id = ? AND alias_name = ?",
                alias.targetKeyId(), alias.lastUpdatedDate().toEpochMilli(), alias.accountId(), alias.aliasName());
    }

    static void deleteAlias(Connection c, String accountId, String aliasName) throws SQLException {
        update(c, "DELETE FROM aliases WHERE account_id = ? AND alias_name = ?", accountId, aliasName);
    }

    static List<Alias> listAliases(Connection c, String accountId, String targetKeyId, String afterAliasName,
                                   int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + ALIAS_COLUMNS + " FROM aliases WHERE account_id = ?");
        List<Object> params = new ArrayList<>(List.of(accountId));
        if (targetKeyId != null) {
            sql.append(" AND target_key_id = ?");
            params.add(targetKeyId);
        }
        if (afterAliasName != null) {
            sql.append(" AND alias_name > ?");
            params.add(afterAliasName);
        }
        sql.append(" ORDER BY alias_name LIMIT ?");
        params.add(limit);
        return queryAliases(c, sql.toString(), params.toArray());
    }

    private static KmsException notFound(String keyId) {
        return KmsException.notFound("Key '" + keyId + "'");
    }

    private static boolean keyExists(Connection c, String keyId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM keys WHERE key_id = ?")) {
            s.setString(1, keyId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void insertMaterials(Connection c, String keyId, List<KeyMaterial> materials, int firstOrdinal)
            throws SQLException {
        if (materials.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO key_materials "
                + "(material_id, key_id, ordinal, created_at, rotation_type) VALUES (?, ?, ?, ?, ?)")) {
            int ordinal = firstOrdinal;
            for (KeyMaterial m : materials) {
                s.setString(1, m.id().hex());
                s.setString(2, keyId);
                s.setInt(3, ordinal++);
                s.setLong(4, m.createdAt().toEpochMilli());
                s.setString(5, m.rotationType() == null ? null : m.rotationType().name());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static void insertTags(Connection c, String keyId, Map<String, String> tags) throws SQLException {
        if (tags.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO key_tags (key_id, tag_key, tag_value) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                s.setString(1, keyId);
                s.setString(2, tag.getKey());
                s.setString(3, tag.getValue());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static List<KmsKey> queryKeys(Connection c, String sql, Object... params) throws SQLException {
        List<KeyRow> rows = new ArrayList<>();
        try (PreparedStatement s = prepare(c, sql, params); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rows.add(KeyRow.read(rs));
            }
        }
        // Materials and tags are read after the key rows, inside the same transaction, hence the same snapshot.
        List<KmsKey> keys = new ArrayList<>(rows.size());
        for (KeyRow row : rows) {
            keys.add(row.toKey(materials(c, row.keyId()), tags(c, row.keyId())));
        }
        return keys;
    }

    /** The columns of one keys row; a {@link KmsKey} needs its materials too, which live in another table. */
    private record KeyRow(String keyId, String accountId, String description, Instant creationDate, KeyState state,
                          KeySpec keySpec, KeyUsage keyUsage, Origin origin, KeyManager keyManager,
                          Instant deletionDate, Integer pendingWindowInDays, RotationSchedule rotation, String policy,
                          long version) {

        static KeyRow read(ResultSet rs) throws SQLException {
            return new KeyRow(
                    rs.getString("key_id"),
                    rs.getString("account_id"),
                    rs.getString("description"),
                    Instant.ofEpochMilli(rs.getLong("creation_date")),
                    KeyState.valueOf(rs.getString("state")),
                    KeySpec.valueOf(rs.getString("key_spec")),
                    KeyUsage.valueOf(rs.getString("key_usage")),
                    Origin.valueOf(rs.getString("origin")),
                    KeyManager.valueOf(rs.getString("key_manager")),
                    getInstant(rs, "deletion_date"),
                    getInteger(rs, "pending_window_days"),
                    new RotationSchedule(rs.getBoolean("rotation_enabled"), rs.getInt("rotation_period_days"),
                            getInstant(rs, "next_rotation")),
                    rs.getString("policy"),
                    rs.getLong("version"));
        }

        KmsKey toKey(List<KeyMaterial> materials, Map<String, String> tags) {
            return new KmsKey(keyId, accountId, description, creationDate, state, keySpec, keyUsage, origin,
                    keyManager, deletionDate, pendingWindowInDays, rotation, materials, tags, policy, version);
        }
    }

    private static List<KeyMaterial> materials(Connection c, String keyId) throws SQLException {
        List<KeyMaterial> materials = new ArrayList<>();
        try (PreparedStatement s = prepare(c, "SELECT material_id, created_at, rotation_type FROM key_materials "
                + "WHERE key_id = ? ORDER BY ordinal", keyId); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String type = rs.getString("rotation_type");
                materials.add(new KeyMaterial(new MaterialId(rs.getString("material_id")),
                        Instant.ofEpochMilli(rs.getLong("created_at")), type == null ? null : RotationType.valueOf(type)));
            }
        }
        return materials;
    }

    private static Map<String, String> tags(Connection c, String keyId) throws SQLException {
        Map<String, String> tags = new HashMap<>();
        try (PreparedStatement s = prepare(c, "SELECT tag_key, tag_value FROM key_tags WHERE key_id = ?", keyId);
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                tags.put(rs.getString(1), rs.getString(2));
            }
        }
        return tags;
    }

    private static List<Alias> queryAliases(Connection c, String sql, Object... params) throws SQLException {
        List<Alias> aliases = new ArrayList<>();
        try (PreparedStatement s = prepare(c, sql, params); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                aliases.add(new Alias(rs.getString("account_id"), rs.getString("alias_name"),
                        rs.getString("target_key_id"), Instant.ofEpochMilli(rs.getLong("creation_date")),
                        Instant.ofEpochMilli(rs.getLong("last_updated"))));
            }
        }
        return aliases;
    }

    private static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params)) {
            s.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            return s;
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** deletion_date to policy: six columns the insert and the update set alike, from parameter {@code first} on. */
    private static void setDeletionRotationAndPolicy(PreparedStatement s, int first, KmsKey key) throws SQLException {
        setInstant(s, first, key.deletionDate());
        setInteger(s, first + 1, key.pendingWindowInDays());
        s.setBoolean(first + 2, key.rotation().enabled());
        s.setInt(first + 3, key.rotation().periodInDays());
        setInstant(s, first + 4, key.rotation().nextRotation());
        s.setString(first + 5, key.policy());
    }

    private static void setInstant(PreparedStatement s, int index, Instant value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, value.toEpochMilli());
        }
    }

    private static void setInteger(PreparedStatement s, int index, Integer value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.INTEGER);
        } else {
            s.setInt(index, value);
        }
    }

    private static Instant getInstant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static Integer getInteger(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }
}
