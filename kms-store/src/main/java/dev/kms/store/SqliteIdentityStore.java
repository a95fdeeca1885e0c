package dev.kms.store;

import dev.kms.core.identity.AccessKey;
import dev.kms.core.identity.AccessKeyStatus;
import dev.kms.core.identity.Account;
import dev.kms.core.identity.InlinePolicy;
import dev.kms.core.identity.Role;
import dev.kms.core.identity.ServicePrincipal;
import dev.kms.core.identity.User;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.IdentityStore;
import dev.kms.core.port.ServiceKeyStore;
import dev.kms.store.IdentitySql.Holder;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@link IdentityStore} and {@link ServiceKeyStore} in the same SQLite file as {@link SqliteMetadataStore}
 * (tables of V3__identities.sql and V4__service_principals.sql), with the same concurrency: WAL snapshots for reads, one serialized
 * {@code BEGIN IMMEDIATE} writer, each method one transaction. Instants are kept at millisecond precision.
 */
public final class SqliteIdentityStore implements IdentityStore, ServiceKeyStore, AutoCloseable {
    private final SqliteDatabase db;

    private SqliteIdentityStore(SqliteDatabase db) {
        this.db = db;
    }

    /** Opens (creating if needed) the store in {@code dbFile} and brings its schema up to date. */
    public static SqliteIdentityStore open(Path dbFile) {
        return new SqliteIdentityStore(SqliteDatabase.open(dbFile, "identity store", SqliteDatabase.BUSY_TIMEOUT_MS));
    }

    @Override
    public void insertAccount(Account account) {
        db.change("insert an account", c -> IdentitySql.insertAccount(c, account));
    }

    @Override
    public Optional<Account> findAccount(String accountId) {
        return db.read("find an account", c -> IdentitySql.findAccount(c, accountId));
    }

    @Override
    public List<Account> listAccounts() {
        return db.read("list accounts", IdentitySql::listAccounts);
    }

    @Override
    public void insertUser(User user) {
        db.change("insert a user", c -> IdentitySql.insertUser(c, user));
    }

    @Override
    public Optional<User> findUser(String accountId, String userName) {
        return db.read("find a user", c -> IdentitySql.findUser(c, accountId, userName));
    }

    @Override
    public List<User> listUsers(String accountId) {
        return db.read("list users", c -> IdentitySql.listUsers(c, accountId));
    }

    @Override
    public void deleteUser(String accountId, String userName) {
        db.change("delete a user", c -> IdentitySql.deleteUser(c, accountId, userName));
    }

    @Override
    public void insertRole(Role role) {
        db.change("insert a role", c -> IdentitySql.insertRole(c, role));
    }

    @Override
    public Optional<Role> findRole(String accountId, String roleName) {
        return db.read("find a role", c -> IdentitySql.findRole(c, accountId, roleName));
    }

    @Override
    public List<Role> listRoles(String accountId) {
        return db.read("list roles", c -> IdentitySql.listRoles(c, accountId));
    }

    @Override
    public void deleteRole(String accountId, String roleName) {
        db.change("delete a role", c -> IdentitySql.deleteRole(c, accountId, roleName));
    }

    @Override
    public void putUserPolicy(String accountId, String userName, InlinePolicy policy) {
        putPolicy(Holder.USER, accountId, userName, policy);
    }

    @Override
    public Optional<InlinePolicy> findUserPolicy(String accountId, String userName, String policyName) {
        return findPolicy(Holder.USER, accountId, userName, policyName);
    }

    @Override
    public List<InlinePolicy> listUserPolicies(String accountId, String userName) {
        return listPolicies(Holder.USER, accountId, userName);
    }

    @Override
    public void deleteUserPolicy(String accountId, String userName, String policyName) {
        deletePolicy(Holder.USER, accountId, userName, policyName);
    }

    @Override
    public void putRolePolicy(String accountId, String roleName, InlinePolicy policy) {
        putPolicy(Holder.ROLE, accountId, roleName, policy);
    }

    @Override
    public Optional<InlinePolicy> findRolePolicy(String accountId, String roleName, String policyName) {
        return findPolicy(Holder.ROLE, accountId, roleName, policyName);
    }

    @Override
    public List<InlinePolicy> listRolePolicies(String accountId, String roleName) {
        return listPolicies(Holder.ROLE, accountId, roleName);
    }

    @Override
    public void deleteRolePolicy(String accountId, String roleName, String policyName) {
        deletePolicy(Holder.ROLE, accountId, roleName, policyName);
    }

    @Override
    public void insertServicePrincipal(ServicePrincipal service) {
        db.change("insert a service principal", c -> IdentitySql.insertServicePrincipal(c, service));
    }

    @Override
    public Optional<ServicePrincipal> findServicePrincipal(String serviceName) {
        return db.read("find a service principal", c -> IdentitySql.findServicePrincipal(c, serviceName));
    }

    @Override
    public List<ServicePrincipal> listServicePrincipals() {
        return db.read("list service principals", IdentitySql::listServicePrincipals);
    }

    @Override
    public void deleteServicePrincipal(String serviceName) {
        db.change("delete a service principal", c -> IdentitySql.deleteServicePrincipal(c, serviceName));
    }

    @Override
    public void insertAccessKey(AccessKey key) {
        db.change("insert an access key", c -> IdentitySql.insertAccessKey(c, key));
    }

    @Override
    public Optional<AccessKey> findAccessKey(String accessKeyId) {
        return db.read("find an access key", c -> IdentitySql.findAccessKey(c, accessKeyId));
    }

    @Override
    public List<AccessKey> listAccessKeys(String accountId, String userName) {
        return db.read("list access keys", c -> IdentitySql.listAccessKeys(c, accountId, userName));
    }

    @Override
    public List<AccessKey> listServiceAccessKeys(String serviceName) {
        return db.read("list a service's access keys", c -> IdentitySql.listServiceAccessKeys(c, serviceName));
    }

    @Override
    public void updateAccessKeyStatus(String accessKeyId, AccessKeyStatus status) {
        db.change("update an access key", c -> IdentitySql.updateAccessKeyStatus(c, accessKeyId, status));
    }

    @Override
    public void deleteAccessKey(String accessKeyId) {
        db.change("delete an access key", c -> IdentitySql.deleteAccessKey(c, accessKeyId));
    }

    @Override
    public int deleteExpiredAccessKeys(Instant now) {
        return db.write("delete expired access keys", c -> IdentitySql.deleteExpiredAccessKeys(c, now));
    }

    @Override
    public Optional<MaterialId> find(String name) {
        return db.read("find a service key", c -> IdentitySql.findServiceKey(c, name));
    }

    @Override
    public void insert(String name, KeySpec spec, MaterialId id) {
        db.change("insert a service key", c -> IdentitySql.insertServiceKey(c, name, spec, id));
    }

    /** Closes all connections; connections in use by a running call close when it returns them. */
    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return "SqliteIdentityStore[" + db + "]";
    }

    private void putPolicy(Holder holder, String accountId, String name, InlinePolicy policy) {
        db.change("put a " + holder.noun + " policy",
                c -> IdentitySql.putPolicy(c, holder, accountId, name, policy));
    }

    private Optional<InlinePolicy> findPolicy(Holder holder, String accountId, String name, String policyName) {
        return db.read("find a " + holder.noun + " policy", c -> IdentitySql.findPolicy(c, holder, accountId, name, policyName));
    }

    private List<InlinePolicy> listPolicies(Holder holder, String accountId, String name) {
        return db.read("list " + holder.noun + " policies", c -> IdentitySql.listPolicies(c, holder, accountId, name));
    }

    private void deletePolicy(Holder holder, String accountId, String name, String policyName) {
        db.change("delete a " + holder.noun + " policy",
                c -> IdentitySql.deletePolicy(c, holder, accountId, name, policyName));
    }
}
