package dev.kms.store;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.AccessKey;
import dev.kms.core.identity.AccessKeyStatus;
import dev.kms.core.identity.Account;
import dev.kms.core.identity.CredentialOwner;
import dev.kms.core.identity.InlinePolicy;
import dev.kms.core.identity.ProtectedSecret;
import dev.kms.core.identity.Role;
import dev.kms.core.identity.ServicePrincipal;
import dev.kms.core.identity.User;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.IdentityStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The identity store's SQL over one connection inside a transaction the caller opened (V3__identities.sql,
 * V4__service_principals.sql).
 * Portable SQL only. Names are looked up by their lower-case key, which makes them unique regardless of case.
 */
final class IdentitySql {
    private static final String USER_COLUMNS = "account_id, user_name, user_id, arn, created";
    private static final String ROLE_COLUMNS = "account_id, role_name, role_id, arn, trust_policy, max_session_seconds, created";
    private static final String KEY_COLUMNS = "access_key_id, account_id, user_name, role_arn, role_id, session_name, "
            + "protected_secret, status, created, session_token_hash, expiration, service_name";

    /** The two owners of inline policies share their SQL; only the table and column names differ. */
    enum Holder {
        USER("iam_users", "iam_user_policies", "user_name_key", "user", "The user with name "),
        ROLE("iam_roles", "iam_role_policies", "role_name_key", "role", "The role with name ");

        final String table;
        final String policyTable;
        final String keyColumn;
        final String noun;
        final String notFoundPrefix;

        Holder(String table, String policyTable, String keyColumn, String noun, String notFoundPrefix) {
            this.table = table;
            this.policyTable = policyTable;
            this.keyColumn = keyColumn;
            this.noun = noun;
            this.notFoundPrefix = notFoundPrefix;
        }

        KmsException notFound(String name) {
            return new KmsException(ErrorCode.NOT_FOUND, notFoundPrefix + name + " cannot be found.");
        }
    }

    private IdentitySql() {
    }

    static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    // ---- accounts

    static void insertAccount(Connection c, Account account) throws SQLException {
        if (findAccount(c, account.accountId()).isPresent()) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS, "Account " + account.accountId() + " already exists.");
        }
        update(c, "INSERT INTO iam_accounts (account_id, created) VALUES (?, ?)", account.accountId(),
                account.created().toEpochMilli());
    }

    static Optional<Account> findAccount(Connection c, String accountId) throws SQLException {
        return query(c, IdentitySql::account,
                "SELECT account_id, created FROM iam_accounts WHERE account_id = ?", accountId)
                .stream().findFirst();
    }

    static List<Account> listAccounts(Connection c) throws SQLException {
        return query(c, IdentitySql::account, "SELECT account_id, created FROM iam_accounts ORDER BY account_id");
    }

    private static void requireAccount(Connection c, String accountId) throws SQLException {
        if (findAccount(c, accountId).isEmpty()) {
            throw new KmsException(ErrorCode.NOT_FOUND, "The account " + accountId + " cannot be found.");
        }
    }

    // ---- users

    static void insertUser(Connection c, User user) throws SQLException {
        requireAccount(c, user.accountId());
        if (exists(c, Holder.USER, user.accountId(), user.userName())) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS, "User with name " + user.userName() + " already exists.");
        }
        update(c, "INSERT INTO iam_users (account_id, user_name_key, user_name, user_id, arn, created) "
                + "VALUES (?, ?, ?, ?, ?, ?)", user.accountId(), key(user.userName()), user.userName(), user.userId(),
                user.arn(), user.created().toEpochMilli());
    }

    static Optional<User> findUser(Connection c, String accountId, String userName) throws SQLException {
        return query(c, IdentitySql::user,
                "SELECT " + USER_COLUMNS + " FROM iam_users WHERE account_id = ? AND user_name_key = ?",
                accountId, key(userName)).stream().findFirst();
    }

    static List<User> listUsers(Connection c, String accountId) throws SQLException {
        return query(c, IdentitySql::user,
                "SELECT " + USER_COLUMNS + " FROM iam_users WHERE account_id = ? ORDER BY user_name_key",
                accountId);
    }

    static void deleteUser(Connection c, String accountId, String userName) throws SQLException {
        requireHolder(c, Holder.USER, accountId, userName);
        if (count(c, "SELECT COUNT(*) FROM iam_access_keys WHERE account_id = ? AND user_name_key = ?",
                accountId, key(userName)) > 0) {
            throw new KmsException(ErrorCode.DELETE_CONFLICT, "Cannot delete entity, must delete access keys first.");
        }
        deleteHolder(c, Holder.USER, accountId, userName);
    }

    // ---- roles

    static void insertRole(Connection c, Role role) throws SQLException {
        requireAccount(c, role.accountId());
        if (exists(c, Holder.ROLE, role.accountId(), role.roleName())) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS, "Role with name " + role.roleName() + " already exists.");
        }
        update(c, "INSERT INTO iam_roles (account_id, role_name_key, role_name, role_id, arn, trust_policy, "
                        + "max_session_seconds, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", role.accountId(),
                key(role.roleName()), role.roleName(), role.roleId(), role.arn(), role.trustPolicy(),
                role.maxSessionDurationSeconds(), role.created().toEpochMilli());
    }

    static Optional<Role> findRole(Connection c, String accountId, String roleName) throws SQLException {
        return query(c, IdentitySql::role,
                "SELECT " + ROLE_COLUMNS + " FROM iam_roles WHERE account_id = ? AND role_name_key = ?",
                accountId, key(roleName)).stream().findFirst();
    }

    static List<Role> listRoles(Connection c, String accountId) throws SQLException {
        return query(c, IdentitySql::role,
                "SELECT " + ROLE_COLUMNS + " FROM iam_roles WHERE account_id = ? ORDER BY role_name_key",
                accountId);
    }

    static void deleteRole(Connection c, String accountId, String roleName) throws SQLException {
        requireHolder(c, Holder.ROLE, accountId, roleName);
        deleteHolder(c, Holder.ROLE, accountId, roleName);
    }

    // ---- inline policies

    static void putPolicy(Connection c, Holder holder, String accountId, String name, InlinePolicy policy)
            throws SQLException {
        requireHolder(c, holder, accountId, name);
        String where = " WHERE account_id = ? AND " + holder.keyColumn + " = ? AND policy_name = ?";
        int updated = update(c, "UPDATE " + holder.policyTable + " SET document = ?" + where, policy.document(),
                accountId, key(name), policy.policyName());
        if (updated == 0) {
            update(c, "INSERT INTO " + holder.policyTable + " (account_id, " + holder.keyColumn + ", policy_name, document) "
                    + "VALUES (?, ?, ?, ?)", accountId, key(name), policy.policyName(), policy.document());
        }
    }

    static Optional<InlinePolicy> findPolicy(Connection c, Holder holder, String accountId, String name, String policyName)
            throws SQLException {
        return query(c, IdentitySql::policy,
                "SELECT policy_name, document FROM " + holder.policyTable + " WHERE account_id = ? AND "
                + holder.keyColumn + " = ? AND policy_name = ?", accountId, key(name), policyName).stream().findFirst();
    }

    static List<InlinePolicy> listPolicies(Connection c, Holder holder, String accountId, String name) throws SQLException {
        requireHolder(c, holder, accountId, name);
        return query(c, IdentitySql::policy,
                "SELECT policy_name, document FROM " + holder.policyTable + " WHERE account_id = ? AND "
                + holder.keyColumn + " = ? ORDER BY policy_name", accountId, key(name));
    }

    static void deletePolicy(Connection c, Holder holder, String accountId, String name, String policyName)
            throws SQLException {
        requireHolder(c, holder, accountId, name);
        if (update(c, "DELETE FROM " + holder.policyTable + " WHERE account_id = ? AND " + holder.keyColumn
                + " = ? AND policy_name = ?", accountId, key(name), policyName) == 0) {
            throw new KmsException(ErrorCode.NOT_FOUND, "The " + holder.noun + " policy with name " + policyName
                    + " cannot be found.");
        }
    }

    private static boolean exists(Connection c, Holder holder, String accountId, String name) throws SQLException {
        return count(c, "SELECT COUNT(*) FROM " + holder.table + " WHERE account_id = ? AND " + holder.keyColumn + " = ?",
                accountId, key(name)) > 0;
    }

    private static void requireHolder(Connection c, Holder holder, String accountId, String name) throws SQLException {
        if (!exists(c, holder, accountId, name)) {
            throw holder.notFound(name);
        }
    }

    /** Deletes a user or role without inline policies, as IAM refuses with DeleteConflict otherwise. */
    private static void deleteHolder(Connection c, Holder holder, String accountId, String name) throws SQLException {
        if (count(c, "SELECT COUNT(*) FROM " + holder.policyTable + " WHERE account_id = ? AND " + holder.keyColumn
                + " = ?", accountId, key(name)) > 0) {
            throw new KmsException(ErrorCode.DELETE_CONFLICT, "Cannot delete entity, must delete policies first.");
        }
        update(c, "DELETE FROM " + holder.table + " WHERE account_id = ? AND " + holder.keyColumn + " = ?",
                accountId, key(name));
    }

    // ---- service principals

    static void insertServicePrincipal(Connection c, ServicePrincipal service) throws SQLException {
        if (findServicePrincipal(c, service.serviceName()).isPresent()) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS,
                    "Service principal with name " + service.serviceName() + " already exists.");
        }
        update(c, "INSERT INTO iam_service_principals (service_name, service_id, created) VALUES (?, ?, ?)",
                service.serviceName(), service.serviceId(), service.created().toEpochMilli());
    }

    static Optional<ServicePrincipal> findServicePrincipal(Connection c, String serviceName) throws SQLException {
        return query(c, IdentitySql::service, "SELECT service_name, service_id, created FROM iam_service_principals "
                + "WHERE service_name = ?", serviceName).stream().findFirst();
    }

    static List<ServicePrincipal> listServicePrincipals(Connection c) throws SQLException {
        return query(c, IdentitySql::service, "SELECT service_name, service_id, created FROM iam_service_principals "
                + "ORDER BY service_name");
    }

    static void deleteServicePrincipal(Connection c, String serviceName) throws SQLException {
        requireService(c, serviceName);
        if (count(c, "SELECT COUNT(*) FROM iam_access_keys WHERE service_name = ?", serviceName) > 0) {
            throw new KmsException(ErrorCode.DELETE_CONFLICT, "Cannot delete entity, must delete access keys first.");
        }
        update(c, "DELETE FROM iam_service_principals WHERE service_name = ?", serviceName);
    }

    private static void requireService(Connection c, String serviceName) throws SQLException {
        if (findServicePrincipal(c, serviceName).isEmpty()) {
            throw new KmsException(ErrorCode.NOT_FOUND,
                    "The service principal with name " + serviceName + " cannot be found.");
        }
    }

    // ---- access keys

    static void insertAccessKey(Connection c, AccessKey key) throws SQLException {
        requireAccount(c, key.accountId());
        String userName = null;
        String roleArn = null;
        String roleId = null;
        String sessionName = null;
        String serviceName = null;
        if (key.owner() instanceof CredentialOwner.UserOwner owner) {
            requireHolder(c, Holder.USER, key.accountId(), owner.userName());
            // Inside the IMMEDIATE transaction, so concurrent inserts cannot both see one free slot.
            if (count(c, "SELECT COUNT(*) FROM iam_access_keys WHERE account_id = ? AND user_name_key = ?",
                    key.accountId(), key(owner.userName())) >= IdentityStore.MAX_ACCESS_KEYS_PER_USER) {
                throw new KmsException(ErrorCode.LIMIT_EXCEEDED,
                        "Cannot exceed quota for AccessKeysPerUser: " + IdentityStore.MAX_ACCESS_KEYS_PER_USER);
            }
            userName = owner.userName();
        } else if (key.owner() instanceof CredentialOwner.RoleSession session) {
            roleArn = session.roleArn();
            roleId = session.roleId();
            sessionName = session.sessionName();
        } else if (key.owner() instanceof CredentialOwner.ServiceOwner owner) {
            requireService(c, owner.serviceName());
            if (count(c, "SELECT COUNT(*) FROM iam_access_keys WHERE service_name = ?", owner.serviceName())
                    >= IdentityStore.MAX_ACCESS_KEYS_PER_USER) {
                throw new KmsException(ErrorCode.LIMIT_EXCEEDED,
                        "Cannot exceed quota for AccessKeysPerUser: " + IdentityStore.MAX_ACCESS_KEYS_PER_USER);
            }
            serviceName = owner.serviceName();
        }
        if (findAccessKey(c, key.accessKeyId()).isPresent()) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS, "Access key " + key.accessKeyId() + " already exists.");
        }
        update(c, "INSERT INTO iam_access_keys (access_key_id, account_id, user_name_key, user_name, role_arn, role_id, "
                        + "session_name, protected_secret, status, created, session_token_hash, expiration, "
                        + "service_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                key.accessKeyId(), key.accountId(), userName == null ? null : key(userName), userName, roleArn, roleId,
                sessionName, key.secret().base64(), key.status().name(), key.created().toEpochMilli(),
                key.sessionTokenHash(), key.expiration() == null ? null : key.expiration().toEpochMilli(), serviceName);
    }

    static Optional<AccessKey> findAccessKey(Connection c, String accessKeyId) throws SQLException {
        return query(c, IdentitySql::accessKey,
                "SELECT " + KEY_COLUMNS + " FROM iam_access_keys WHERE access_key_id = ?", accessKeyId)
                .stream().findFirst();
    }

    static List<AccessKey> listAccessKeys(Connection c, String accountId, String userName) throws SQLException {
        requireHolder(c, Holder.USER, accountId, userName);
        return query(c, IdentitySql::accessKey,
                "SELECT " + KEY_COLUMNS + " FROM iam_access_keys WHERE account_id = ? AND user_name_key = ? "
                + "ORDER BY created, access_key_id", accountId, key(userName));
    }

    static List<AccessKey> listServiceAccessKeys(Connection c, String serviceName) throws SQLException {
        requireService(c, serviceName);
        return query(c, IdentitySql::accessKey,
                "SELECT " + KEY_COLUMNS + " FROM iam_access_keys WHERE service_name = ? "
                + "ORDER BY created, access_key_id", serviceName);
    }

    static void updateAccessKeyStatus(Connection c, String accessKeyId, AccessKeyStatus status) throws SQLException {
        if (update(c, "UPDATE iam_access_keys SET status = ? WHERE access_key_id = ?", status.name(), accessKeyId) == 0) {
            throw noSuchKey(accessKeyId);
        }
    }

    static void deleteAccessKey(Connection c, String accessKeyId) throws SQLException {
        if (update(c, "DELETE FROM iam_access_keys WHERE access_key_id = ?", accessKeyId) == 0) {
            throw noSuchKey(accessKeyId);
        }
    }

    static int deleteExpiredAccessKeys(Connection c, Instant now) throws SQLException {
        return update(c, "DELETE FROM iam_access_keys WHERE expiration IS NOT NULL AND expiration <= ?", now.toEpochMilli());
    }

    private static KmsException noSuchKey(String accessKeyId) {
        return new KmsException(ErrorCode.NOT_FOUND, "The Access Key with id " + accessKeyId + " cannot be found.");
    }

    // ---- service keys

    static Optional<MaterialId> findServiceKey(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT material_id FROM service_keys WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new MaterialId(r.getString(1))) : Optional.empty();
            }
        }
    }

    static void insertServiceKey(Connection c, String name, KeySpec spec, MaterialId id) throws SQLException {
        if (findServiceKey(c, name).isPresent()
                || count(c, "SELECT COUNT(*) FROM service_keys WHERE material_id = ?", id.hex()) > 0) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS, "Service key " + name + " already exists");
        }
        update(c, "INSERT INTO service_keys (name, key_spec, material_id) VALUES (?, ?, ?)", name, spec.name(), id.hex());
    }

    // ---- plumbing

    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params)) {
            return s.executeUpdate();
        }
    }

    private static long count(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                Object p = params[i];
                if (p == null) {
                    s.setNull(i + 1, Types.NULL); // untyped, so a null fits text and number columns alike
                } else if (p instanceof Long l) {
                    s.setLong(i + 1, l);
                } else if (p instanceof Integer n) {
                    s.setInt(i + 1, n);
                } else {
                    s.setString(i + 1, (String) p);
                }
            }
            return s;
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Reads one row of a result into a value. */
    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet r) throws SQLException;
    }

    private static <T> List<T> query(Connection c, RowReader<T> row, String sql, Object... params) throws SQLException {
        List<T> result = new ArrayList<>();
        try (PreparedStatement s = prepare(c, sql, params); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                result.add(row.read(r));
            }
        }
        return result;
    }

    private static Account account(ResultSet r) throws SQLException {
        return new Account(r.getString(1), Instant.ofEpochMilli(r.getLong(2)));
    }

    private static User user(ResultSet r) throws SQLException {
        return new User(r.getString(1), r.getString(2), r.getString(3), r.getString(4), Instant.ofEpochMilli(r.getLong(5)));
    }

    private static Role role(ResultSet r) throws SQLException {
        return new Role(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getInt(6),
                Instant.ofEpochMilli(r.getLong(7)));
    }

    private static InlinePolicy policy(ResultSet r) throws SQLException {
        return new InlinePolicy(r.getString(1), r.getString(2));
    }

    private static ServicePrincipal service(ResultSet r) throws SQLException {
        return new ServicePrincipal(r.getString(1), r.getString(2), Instant.ofEpochMilli(r.getLong(3)));
    }

    /** A row of KEY_COLUMNS; the owner is the user, the service or the role session, whichever columns are set. */
    private static AccessKey accessKey(ResultSet r) throws SQLException {
        String userName = r.getString(3);
        String serviceName = r.getString(12);
        CredentialOwner owner = userName != null ? new CredentialOwner.UserOwner(userName)
                : serviceName != null ? new CredentialOwner.ServiceOwner(serviceName)
                : new CredentialOwner.RoleSession(r.getString(4), r.getString(5), r.getString(6));
        long expiration = r.getLong(11);
        Instant expires = r.wasNull() ? null : Instant.ofEpochMilli(expiration);
        return new AccessKey(r.getString(1), r.getString(2), owner, ProtectedSecret.fromBase64(r.getString(7)),
                AccessKeyStatus.valueOf(r.getString(8)), Instant.ofEpochMilli(r.getLong(9)), r.getString(10), expires);
    }
}
