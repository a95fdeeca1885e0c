package dev.kms.core.port;

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
import dev.kms.core.port.ServiceKeyStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every {@link IdentityStore} (and the {@link ServiceKeyStore} it usually also is) shares;
 * subclasses supply a fresh, empty store per test.
 */
public abstract class IdentityStoreContract {
    protected static final String ACCOUNT = "111122223333";
    protected static final String OTHER_ACCOUNT = "444455556666";
    protected static final Instant T0 = Instant.parse("2025-01-02T03:04:05.678Z");

    protected IdentityStore store;
    protected ServiceKeyStore serviceKeys;

    /** Returns a new, empty store; called before each test. */
    protected abstract IdentityStore newStore();

    /** The service key store of the store {@link #newStore()} returned last. */
    protected abstract ServiceKeyStore serviceKeyStore();

    @BeforeEach
    void createStore() {
        store = newStore();
        serviceKeys = serviceKeyStore();
        store.insertAccount(new Account(ACCOUNT, T0));
        store.insertAccount(new Account(OTHER_ACCOUNT, T0));
    }

    protected static User user(String account, String name) {
        return new User(account, name, "AIDA" + pad(name), "arn:aws:iam::" + account + ":user/" + name, T0);
    }

    protected static Role role(String account, String name) {
        return new Role(account, name, "AROA" + pad(name), "arn:aws:iam::" + account + ":role/" + name,
                "{\"Statement\":[]}", 7200, T0);
    }

    protected static AccessKey userKey(String id, String account, String userName, Instant created) {
        return AccessKey.forUser(id, account, userName, ProtectedSecret.of(new byte[]{1, 2, 3, (byte) 0xff}),
                AccessKeyStatus.Active, created);
    }

    protected static AccessKey sessionKey(String id, Instant expiration) {
        return AccessKey.forSession(id, ACCOUNT, new CredentialOwner.RoleSession("arn:aws:iam::" + ACCOUNT + ":role/ops",
                "AROAOPS0000000000000", "alice-session"), ProtectedSecret.of(new byte[]{9, 8, 7}), T0,
                "ab".repeat(32), expiration);
    }

    private static String pad(String name) {
        String id = (name.toUpperCase().replaceAll("[^A-Z0-9]", "") + "0000000000000000");
        return id.substring(0, 16);
    }

    private static void assertError(ErrorCode code, String message, Executable call) {
        KmsException e = assertThrows(KmsException.class, call);
        assertEquals(code, e.code(), e.getMessage());
        if (message != null) {
            assertEquals(message, e.getMessage());
        }
    }

    // ---- accounts

    @Test
    void insertAccount_thenFindAndList_inIdOrder() {
        store.insertAccount(new Account("222200001111", T0.plusSeconds(1)));
        assertEquals(Optional.of(new Account("222200001111", T0.plusSeconds(1))), store.findAccount("222200001111"));
        assertEquals(List.of(ACCOUNT, "222200001111", OTHER_ACCOUNT),
                store.listAccounts().stream().map(Account::accountId).toList());
    }

    @Test
    void insertAccount_twice_failsWithAlreadyExists() {
        assertError(ErrorCode.ALREADY_EXISTS, null, () -> store.insertAccount(new Account(ACCOUNT, T0)));
    }

    @Test
    void findAccount_unknown_isEmpty() {
        assertTrue(store.findAccount("999999999999").isEmpty());
    }

    // ---- users

    @Test
    void insertUser_roundTripsAtMillisecondPrecision() {
        Instant precise = Instant.parse("2025-01-02T03:04:05.678901Z");
        store.insertUser(new User(ACCOUNT, "alice", "AIDAALICE00000000000", "arn:aws:iam::" + ACCOUNT + ":user/alice", precise));
        assertEquals(Optional.of(new User(ACCOUNT, "alice", "AIDAALICE00000000000", "arn:aws:iam::" + ACCOUNT + ":user/alice",
                Instant.parse("2025-01-02T03:04:05.678Z"))), store.findUser(ACCOUNT, "alice"));
    }

    @Test
    void findUser_ignoresCase_andKeepsTheCreatedName() {
        store.insertUser(user(ACCOUNT, "Alice"));
        assertEquals("Alice", store.findUser(ACCOUNT, "ALICE").orElseThrow().userName());
        assertTrue(store.findUser(OTHER_ACCOUNT, "Alice").isEmpty());
    }

    @Test
    void insertUser_withATakenNameInAnyCase_failsWithAlreadyExists() {
        store.insertUser(user(ACCOUNT, "alice"));
        assertError(ErrorCode.ALREADY_EXISTS, "User with name Alice already exists.",
                () -> store.insertUser(new User(ACCOUNT, "Alice", "AIDAOTHER00000000000", "arn:aws:iam::" + ACCOUNT
                        + ":user/Alice", T0)));
    }

    @Test
    void insertUser_sameNameInAnotherAccount_succeeds() {
        store.insertUser(user(ACCOUNT, "alice"));
        store.insertUser(new User(OTHER_ACCOUNT, "alice", "AIDAALICE22222222222", "arn:aws:iam::" + OTHER_ACCOUNT
                + ":user/alice", T0));
        assertEquals(1, store.listUsers(OTHER_ACCOUNT).size());
    }

    @Test
    void insertUser_inAnUnknownAccount_failsWithNotFound() {
        assertError(ErrorCode.NOT_FOUND, "The account 999999999999 cannot be found.",
                () -> store.insertUser(user("999999999999", "alice")));
    }

    @Test
    void listUsers_ofOneAccount_inNameOrder() {
        store.insertUser(user(ACCOUNT, "carol"));
        store.insertUser(user(ACCOUNT, "alice"));
        store.insertUser(user(ACCOUNT, "Bob"));
        store.insertUser(user(OTHER_ACCOUNT, "dave"));
        assertEquals(List.of("alice", "Bob", "carol"), store.listUsers(ACCOUNT).stream().map(User::userName).toList());
    }

    @Test
    void deleteUser_removesIt_andItsNameCanBeReused() {
        store.insertUser(user(ACCOUNT, "alice"));
        store.deleteUser(ACCOUNT, "ALICE");
        assertTrue(store.findUser(ACCOUNT, "alice").isEmpty());
        store.insertUser(user(ACCOUNT, "alice"));
    }

    @Test
    void deleteUser_unknown_failsWithNotFound() {
        assertError(ErrorCode.NOT_FOUND, "The user with name alice cannot be found.", () -> store.deleteUser(ACCOUNT, "alice"));
    }

    @Test
    void deleteUser_withAccessKeys_failsWithConflict() {
        store.insertUser(user(ACCOUNT, "alice"));
        store.insertAccessKey(userKey("AKIAAAAAAAAAAAAAAAA1", ACCOUNT, "alice", T0));
        assertError(ErrorCode.DELETE_CONFLICT, "Cannot delete entity, must delete access keys first.",
                () -> store.deleteUser(ACCOUNT, "alice"));
        assertTrue(store.findUser(ACCOUNT, "alice").isPresent());
    }

    @Test
    void deleteUser_withPolicies_failsWithConflict() {
        store.insertUser(user(ACCOUNT, "alice"));
        store.putUserPolicy(ACCOUNT, "alice", new InlinePolicy("p", "{}"));
        assertError(ErrorCode.DELETE_CONFLICT, "Cannot delete entity, must delete policies first.",
                () -> store.deleteUser(ACCOUNT, "alice"));
    }

    // ---- roles

    @Test
    void insertRole_roundTrips_andIsFoundInAnyCase() {
        Role role = role(ACCOUNT, "Ops");
        store.insertRole(role);
        assertEquals(Optional.of(role), store.findRole(ACCOUNT, "ops"));
        assertEquals(List.of(role), store.listRoles(ACCOUNT));
        assertEquals(List.of(), store.listRoles(OTHER_ACCOUNT));
    }

    @Test
    void insertRole_withATakenName_failsWithAlreadyExists() {
        store.insertRole(role(ACCOUNT, "ops"));
        assertError(ErrorCode.ALREADY_EXISTS, "Role with name OPS already exists.", () -> store.insertRole(role(ACCOUNT, "OPS")));
    }

    @Test
    void insertRole_inAnUnknownAccount_failsWithNotFound() {
        assertError(ErrorCode.NOT_FOUND, null, () -> store.insertRole(role("999999999999", "ops")));
    }

    @Test
    void deleteRole_withPolicies_failsWithConflict_andWithoutThemSucceeds() {
        store.insertRole(role(ACCOUNT, "ops"));
        store.putRolePolicy(ACCOUNT, "ops", new InlinePolicy("p", "{}"));
        assertError(ErrorCode.DELETE_CONFLICT, "Cannot delete entity, must delete policies first.",
                () -> store.deleteRole(ACCOUNT, "ops"));
        store.deleteRolePolicy(ACCOUNT, "ops", "p");
        store.deleteRole(ACCOUNT, "ops");
        assertTrue(store.findRole(ACCOUNT, "ops").isEmpty());
    }

    @Test
    void deleteRole_unknown_failsWithNotFound() {
        assertError(ErrorCode.NOT_FOUND, "The role with name ops cannot be found.", () -> store.deleteRole(ACCOUNT, "ops"));
    }

    @Test
    void deleteRole_keepsItsSessionKeys() {
        store.insertRole(role(ACCOUNT, "ops"));
        store.insertAccessKey(sessionKey("ASIAAAAAAAAAAAAAAAA1", T0.plusSeconds(3600)));
        store.deleteRole(ACCOUNT, "ops");
        assertTrue(store.findAccessKey("ASIAAAAAAAAAAAAAAAA1").isPresent());
    }

    // ---- inline policies

    @Test
    void putUserPolicy_addsAndReplaces_listedInNameOrder() {
        store.insertUser(user(ACCOUNT, "alice"));
        store.putUserPolicy(ACCOUNT, "alice", new InlinePolicy("b", "{\"v\":1}"));
        store.putUserPolicy(ACCOUNT, "alice", new InlinePolicy("a", "{\"v\":2}"));
        store.putUserPolicy(ACCOUNT, "Alice", new InlinePolicy("b", "{\"v\":3}"));
        assertEquals(List.of(new InlinePolicy("a", "{\"v\":2}"), new InlinePolicy("b", "{\"v\":3}")),
                store.listUserPolicies(ACCOUNT, "alice"));
        assertEquals(Optional.of(new InlinePolicy("b", "{\"v\":3}")), store.findUserPolicy(ACCOUNT, "ALICE", "b"));
        assertTrue(store.findUserPolicy(ACCOUNT, "alice", "c").isEmpty());
    }

    @Test
    void userPolicies_ofAnUnknownUser_failWithNotFound() {
        assertError(ErrorCode.NOT_FOUND, "The user with name bob cannot be found.",
                () -> store.putUserPolicy(ACCOUNT, "bob", new InlinePolicy("p", "{}")));
        assertError(ErrorCode.NOT_FOUND, "The user with name bob cannot be found.", () -> store.listUserPolicies(ACCOUNT, "bob"));
        assertTrue(store.findUserPolicy(ACCOUNT, "bob", "p").isEmpty());
    }

    @Test
    void deleteUserPolicy_removesOnlyThatOne_andAMissingOneFailsWithNotFound() {
        store.insertUser(user(ACCOUNT, "alice"));
        store.putUserPolicy(ACCOUNT, "alice", new InlinePolicy("a", "{}"));
        store.putUserPolicy(ACCOUNT, "alice", new InlinePolicy("b", "{}"));
        store.deleteUserPolicy(ACCOUNT, "alice", "a");
        assertEquals(List.of("b"), store.listUserPolicies(ACCOUNT, "alice").stream().map(InlinePolicy::policyName).toList());
        assertError(ErrorCode.NOT_FOUND, "The user policy with name a cannot be found.",
                () -> store.deleteUserPolicy(ACCOUNT, "alice", "a"));
    }

    @Test
    void rolePolicies_addReplaceFindListDelete() {
        store.insertRole(role(ACCOUNT, "ops"));
        store.putRolePolicy(ACCOUNT, "ops", new InlinePolicy("p", "{\"v\":1}"));
        store.putRolePolicy(ACCOUNT, "ops", new InlinePolicy("p", "{\"v\":2}"));
        assertEquals(List.of(new InlinePolicy("p", "{\"v\":2}")), store.listRolePolicies(ACCOUNT, "ops"));
        assertEquals(Optional.of(new InlinePolicy("p", "{\"v\":2}")), store.findRolePolicy(ACCOUNT, "OPS", "p"));
        store.deleteRolePolicy(ACCOUNT, "ops", "p");
        assertEquals(List.of(), store.listRolePolicies(ACCOUNT, "ops"));
        assertError(ErrorCode.NOT_FOUND, "The role policy with name p cannot be found.",
                () -> store.deleteRolePolicy(ACCOUNT, "ops", "p"));
        assertError(ErrorCode.NOT_FOUND, "The role with name dev cannot be found.", () -> store.listRolePolicies(ACCOUNT, "dev"));
    }

    @Test
    void policiesOfAUserAndARoleOfTheSameName_areSeparate() {
        store.insertUser(user(ACCOUNT, "ops"));
        store.insertRole(role(ACCOUNT, "ops"));
        store.putUserPolicy(ACCOUNT, "ops", new InlinePolicy("user-policy", "{}"));
        store.putRolePolicy(ACCOUNT, "ops", new InlinePolicy("role-policy", "{}"));
        assertEquals(List.of(new InlinePolicy("user-policy", "{}")), store.listUserPolicies(ACCOUNT, "ops"));
        assertEquals(List.of(new InlinePolicy("role-policy", "{}")), store.listRolePolicies(ACCOUNT, "ops"));
    }

    // ---- access keys

    @Test
    void insertAccessKey_ofAUser_roundTrips() {
        store.insertUser(user(ACCOUNT, "alice"));
        AccessKey key = userKey("AKIAAAAAAAAAAAAAAAA1", ACCOUNT, "alice", T0);
        store.insertAccessKey(key);
        assertEquals(Optional.of(key), store.findAccessKey("AKIAAAAAAAAAAAAAAAA1"));
    }

    @Test
    void insertAccessKey_ofASession_roundTripsWithTokenHashAndExpiry() {
        AccessKey key = sessionKey("ASIAAAAAAAAAAAAAAAA1", T0.plusSeconds(900));
        store.insertAccessKey(key);
        AccessKey found = store.findAccessKey("ASIAAAAAAAAAAAAAAAA1").orElseThrow();
        assertEquals(key, found);
        assertEquals(new CredentialOwner.RoleSession("arn:aws:iam::" + ACCOUNT + ":role/ops", "AROAOPS0000000000000",
                "alice-session"), found.owner());
    }

    @Test
    void insertAccessKey_aThirdForOneUser_failsWithLimitExceeded() {
        store.insertUser(user(ACCOUNT, "alice"));
        store.insertAccessKey(userKey("AKIAAAAAAAAAAAAAAAA1", ACCOUNT, "alice", T0));
        store.insertAccessKey(userKey("AKIAAAAAAAAAAAAAAAA2", ACCOUNT, "alice", T0));
        assertError(ErrorCode.LIMIT_EXCEEDED, "Cannot exceed quota for AccessKeysPerUser: 2",
                () -> store.insertAccessKey(userKey("AKIAAAAAAAAAAAAAAAA3", ACCOUNT, "alice", T0)));
        assertTrue(store.findAccessKey("AKIAAAAAAAAAAAAAAAA3").isEmpty());
    }

    @Test
    void insertAccessKey_concurrentlyForOneUser_storesExactlyTwo() throws Exception {
        store.insertUser(user(ACCOUNT, "alice"));
        List<Boolean> inserted = Concurrently.onThreads(8, thread -> {
            try {
                store.insertAccessKey(userKey("AKIAAAAAAAAAAAAAAAB" + thread, ACCOUNT, "alice", T0));
                return true;
            } catch (KmsException e) {
                assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code(), e.getMessage());
                return false;
            }
        });
        assertEquals(2, Collections.frequency(inserted, true));
        assertEquals(2, store.listAccessKeys(ACCOUNT, "alice").size());
    }

    @Test
    void insertAccessKey_forAnUnknownUser_failsWithNotFound() {
        assertError(ErrorCode.NOT_FOUND, "The user with name bob cannot be found.",
                () -> store.insertAccessKey(userKey("AKIAAAAAAAAAAAAAAAA1", ACCOUNT, "bob", T0)));
    }

    @Test
    void insertAccessKey_withATakenId_failsWithAlreadyExists() {
        store.insertUser(user(ACCOUNT, "alice"));
        store.insertUser(user(ACCOUNT, "bob"));
        store.insertAccessKey(userKey("AKIAAAAAAAAAAAAAAAA1", ACCOUNT, "alice", T0));
        assertError(ErrorCode.ALREADY_EXISTS, null,
                () -> store.insertAccessKey(userKey("AKIAAAAAAAAAAAAAAAA1", ACCOUNT, "bob", T0)));
    }

    @Test
    void listAccessKeys_oldestFirst_withoutSessionKeysOrOtherUsersKeys() {
        store.insertUser(user(ACCOUNT, "alice"));
        store.insertUser(user(ACCOUNT, "bob"));
        store.insertAccessKey(userKey("AKIAZZZZZZZZZZZZZZZ1", ACCOUNT, "alice", T0));
        store.insertAccessKey(userKey("AKIAAAAAAAAAAAAAAAA2", ACCOUNT, "alice", T0.plusSeconds(1)));
        store.insertAccessKey(userKey("AKIABBBBBBBBBBBBBBB1", ACCOUNT, "bob", T0));
        store.insertAccessKey(sessionKey("ASIAAAAAAAAAAAAAAAA1", T0.plusSeconds(900)));
        assertEquals(List.of("AKIAZZZZZZZZZZZZZZZ1", "AKIAAAAAAAAAAAAAAAA2"),
                store.listAccessKeys(ACCOUNT, "ALICE").stream().map(AccessKey::accessKeyId).toList());
        assertError(ErrorCode.NOT_FOUND, null, () -> store.listAccessKeys(ACCOUNT, "carol"));
    }

    @Test
    void updateAccessKeyStatus_changesOnlyTheStatus() {
        store.insertUser(user(ACCOUNT, "alice"));
        AccessKey key = userKey("AKIAAAAAAAAAAAAAAAA1", ACCOUNT, "alice", T0);
        store.insertAccessKey(key);
        store.updateAccessKeyStatus("AKIAAAAAAAAAAAAAAAA1", AccessKeyStatus.Inactive);
        assertEquals(key.withStatus(AccessKeyStatus.Inactive), store.findAccessKey("AKIAAAAAAAAAAAAAAAA1").orElseThrow());
        assertError(ErrorCode.NOT_FOUND, "The Access Key with id AKIAAAAAAAAAAAAAAAA9 cannot be found.",
                () -> store.updateAccessKeyStatus("AKIAAAAAAAAAAAAAAAA9", AccessKeyStatus.Active));
    }

    @Test
    void deleteAccessKey_removesIt_andAMissingOneFailsWithNotFound() {
        store.insertUser(user(ACCOUNT, "alice"));
        store.insertAccessKey(userKey("AKIAAAAAAAAAAAAAAAA1", ACCOUNT, "alice", T0));
        store.deleteAccessKey("AKIAAAAAAAAAAAAAAAA1");
        assertTrue(store.findAccessKey("AKIAAAAAAAAAAAAAAAA1").isEmpty());
        store.deleteUser(ACCOUNT, "alice");
        assertError(ErrorCode.NOT_FOUND, "The Access Key with id AKIAAAAAAAAAAAAAAAA1 cannot be found.",
                () -> store.deleteAccessKey("AKIAAAAAAAAAAAAAAAA1"));
    }

    @Test
    void deleteExpiredAccessKeys_removesSessionsExpiredAtOrBeforeNow_only() {
        store.insertUser(user(ACCOUNT, "alice"));
        store.insertAccessKey(userKey("AKIAAAAAAAAAAAAAAAA1", ACCOUNT, "alice", T0));
        store.insertAccessKey(sessionKey("ASIAAAAAAAAAAAAAAAA1", T0.plusSeconds(900)));
        store.insertAccessKey(sessionKey("ASIAAAAAAAAAAAAAAAA2", T0.plusSeconds(1800)));
        store.insertAccessKey(sessionKey("ASIAAAAAAAAAAAAAAAA3", T0.plusSeconds(3600)));
        assertEquals(2, store.deleteExpiredAccessKeys(T0.plus(Duration.ofSeconds(1800))));
        assertTrue(store.findAccessKey("AKIAAAAAAAAAAAAAAAA1").isPresent());
        assertTrue(store.findAccessKey("ASIAAAAAAAAAAAAAAAA3").isPresent());
        assertTrue(store.findAccessKey("ASIAAAAAAAAAAAAAAAA2").isEmpty());
    }

    // ---- service principals

    private static final String BACKUP = "backup.us-east-1.kms.local";

    protected static ServicePrincipal service(String name, Instant created) {
        return new ServicePrincipal(name, "AIDS" + pad(name), created);
    }

    protected static AccessKey serviceKey(String id, String serviceName, Instant created) {
        return AccessKey.forService(id, ACCOUNT, serviceName, ProtectedSecret.of(new byte[]{4, 5, 6}),
                AccessKeyStatus.Active, created);
    }

    @Test
    void insertServicePrincipal_thenFindAndList_inNameOrder_atMillisecondPrecision() {
        store.insertServicePrincipal(service(BACKUP, T0.plusNanos(123_456)));
        store.insertServicePrincipal(service("archive.us-east-1.kms.local", T0));
        assertEquals(Optional.of(service(BACKUP, T0)), store.findServicePrincipal(BACKUP));
        assertEquals(List.of("archive.us-east-1.kms.local", BACKUP),
                store.listServicePrincipals().stream().map(ServicePrincipal::serviceName).toList());
        assertTrue(store.findServicePrincipal("other.us-east-1.kms.local").isEmpty());
    }

    @Test
    void insertServicePrincipal_twice_failsWithAlreadyExists() {
        store.insertServicePrincipal(service(BACKUP, T0));
        assertError(ErrorCode.ALREADY_EXISTS, "Service principal with name " + BACKUP + " already exists.",
                () -> store.insertServicePrincipal(service(BACKUP, T0)));
    }

    @Test
    void insertAccessKey_ofAService_roundTrips_andIsListedOnlyForIt() {
        store.insertServicePrincipal(service(BACKUP, T0));
        store.insertUser(user(ACCOUNT, "alice"));
        AccessKey key = serviceKey("AKIASVC0000000000001", BACKUP, T0);
        store.insertAccessKey(key);
        store.insertAccessKey(userKey("AKIAAAAAAAAAAAAAAAA1", ACCOUNT, "alice", T0));
        assertEquals(Optional.of(key), store.findAccessKey(key.accessKeyId()));
        assertEquals(new CredentialOwner.ServiceOwner(BACKUP), store.findAccessKey(key.accessKeyId()).orElseThrow().owner());
        assertEquals(List.of(key), store.listServiceAccessKeys(BACKUP));
        assertEquals(List.of("AKIAAAAAAAAAAAAAAAA1"),
                store.listAccessKeys(ACCOUNT, "alice").stream().map(AccessKey::accessKeyId).toList());
    }

    @Test
    void insertAccessKey_forAnUnknownService_failsWithNotFound_andAThirdWithLimitExceeded() {
        assertError(ErrorCode.NOT_FOUND, "The service principal with name " + BACKUP + " cannot be found.",
                () -> store.insertAccessKey(serviceKey("AKIASVC0000000000001", BACKUP, T0)));
        store.insertServicePrincipal(service(BACKUP, T0));
        store.insertAccessKey(serviceKey("AKIASVC0000000000001", BACKUP, T0));
        store.insertAccessKey(serviceKey("AKIASVC0000000000002", BACKUP, T0));
        assertError(ErrorCode.LIMIT_EXCEEDED, "Cannot exceed quota for AccessKeysPerUser: 2",
                () -> store.insertAccessKey(serviceKey("AKIASVC0000000000003", BACKUP, T0)));
    }

    @Test
    void listServiceAccessKeys_ofAnUnknownService_failsWithNotFound() {
        assertError(ErrorCode.NOT_FOUND, null, () -> store.listServiceAccessKeys(BACKUP));
    }

    @Test
    void deleteServicePrincipal_withAccessKeys_failsWithConflict_andWithoutThemSucceeds() {
        store.insertServicePrincipal(service(BACKUP, T0));
        store.insertAccessKey(serviceKey("AKIASVC0000000000001", BACKUP, T0));
        assertError(ErrorCode.DELETE_CONFLICT, "Cannot delete entity, must delete access keys first.",
                () -> store.deleteServicePrincipal(BACKUP));
        store.deleteAccessKey("AKIASVC0000000000001");
        store.deleteServicePrincipal(BACKUP);
        assertTrue(store.findServicePrincipal(BACKUP).isEmpty());
        assertError(ErrorCode.NOT_FOUND, "The service principal with name " + BACKUP + " cannot be found.",
                () -> store.deleteServicePrincipal(BACKUP));
    }

    // ---- service keys

    @Test
    void serviceKey_insertThenFind() {
        MaterialId id = MaterialId.random();
        assertTrue(serviceKeys.find("secrets").isEmpty());
        serviceKeys.insert("secrets", KeySpec.SYMMETRIC_DEFAULT, id);
        assertEquals(Optional.of(id), serviceKeys.find("secrets"));
    }

    @Test
    void serviceKey_insertTwice_failsWithAlreadyExists_andKeepsTheFirst() {
        MaterialId first = MaterialId.random();
        serviceKeys.insert("audit-seal", KeySpec.HMAC_256, first);
        assertError(ErrorCode.ALREADY_EXISTS, null, () -> serviceKeys.insert("audit-seal", KeySpec.HMAC_256, MaterialId.random()));
        assertEquals(Optional.of(first), serviceKeys.find("audit-seal"));
    }
}
