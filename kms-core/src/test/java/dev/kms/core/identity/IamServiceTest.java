package dev.kms.core.identity;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.kms.core.identity.IdentityFixture.ACCOUNT;
import static dev.kms.core.identity.IdentityFixture.ALLOW_ENCRYPT;
import static dev.kms.core.identity.IdentityFixture.OTHER_ACCOUNT;
import static dev.kms.core.identity.IdentityFixture.root;
import static dev.kms.core.identity.IdentityFixture.trust;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IamServiceTest {
    private final IdentityFixture f = new IdentityFixture();
    private final IamService iam = f.iam;
    private final RequestContext root = root(ACCOUNT);

    private static KmsException assertError(ErrorCode code, String message, Executable call) {
        KmsException e = assertThrows(KmsException.class, call);
        assertEquals(code, e.code(), e.getMessage());
        if (message != null) {
            assertEquals(message, e.getMessage());
        }
        return e;
    }

    // ---- accounts

    @Test
    void deployment_startsWithItsAccount() {
        assertTrue(f.store.findAccount(ACCOUNT).isPresent());
        assertEquals(ACCOUNT, iam.ensureDeploymentAccount().accountId());
    }

    @Test
    void createAccount_givesARandom12DigitId_listedWithTheOthers() {
        Account created = iam.createAccount(root);
        assertTrue(created.accountId().matches("[1-9]\\d{11}"));
        assertTrue(iam.listAccounts(root).contains(created));
        assertEquals(3, iam.listAccounts(root).size());
    }

    @Test
    void createAccount_byAnotherAccountsRootOrAUser_isDenied() {
        assertError(ErrorCode.ACCESS_DENIED, null, () -> iam.createAccount(root(OTHER_ACCOUNT)));
        Principal alice = f.userPrincipal(ACCOUNT, "alice");
        KmsException e = assertError(ErrorCode.ACCESS_DENIED, null, () -> iam.listAccounts(IdentityFixture.as(alice)));
        assertTrue(e.getMessage().startsWith("User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
                + "organizations:ListAccounts"), e.getMessage());
    }

    // ---- users

    @Test
    void createUser_givesAnAidaIdAndAnArn() {
        User alice = iam.createUser(root, "alice");
        assertTrue(alice.userId().matches("AIDA[A-Z0-9]{16}"), alice.userId());
        assertEquals("arn:aws:iam::111122223333:user/alice", alice.arn());
        assertEquals(List.of(alice), iam.listUsers(root));
        assertEquals(alice, iam.getUser(root, "alice"));
    }

    @Test
    void createUser_twice_failsWithAlreadyExists() {
        iam.createUser(root, "alice");
        assertError(ErrorCode.ALREADY_EXISTS, "User with name ALICE already exists.", () -> iam.createUser(root, "ALICE"));
    }

    @Test
    void createUser_withABadName_failsWithValidation() {
        assertError(ErrorCode.VALIDATION, null, () -> iam.createUser(root, "al ice"));
        assertError(ErrorCode.VALIDATION, null, () -> iam.createUser(root, ""));
        assertError(ErrorCode.VALIDATION, null, () -> iam.createUser(root, "a".repeat(65)));
    }

    @Test
    void createUser_byAUser_isDenied() {
        Principal alice = f.userPrincipal(ACCOUNT, "alice");
        KmsException e = assertError(ErrorCode.ACCESS_DENIED, null, () -> iam.createUser(IdentityFixture.as(alice), "bob"));
        assertTrue(e.getMessage().contains("iam:CreateUser"), e.getMessage());
        assertTrue(e.getMessage().contains("arn:aws:iam::111122223333:user/alice"), e.getMessage());
    }

    @Test
    void iamActions_byAUserWhosePolicyAllowsThem_areAllowed_inItsOwnAccountOnly() {
        Principal alice = f.userPrincipal(ACCOUNT, "alice");
        iam.putUserPolicy(root, "alice", "manage-users", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                + "\"Allow\",\"Action\":[\"iam:CreateUser\",\"iam:GetUser\"],\"Resource\":\"arn:aws:iam::*:user/app-*\"}]}");
        RequestContext asAlice = IdentityFixture.as(alice);

        assertEquals("arn:aws:iam::111122223333:user/app-1", iam.createUser(asAlice, "app-1").arn());
        assertEquals("app-1", iam.getUser(asAlice, "app-1").userName());
        KmsException other = assertError(ErrorCode.ACCESS_DENIED, null, () -> iam.createUser(asAlice, "bob"));
        assertEquals("User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:CreateUser on "
                + "resource: arn:aws:iam::111122223333:user/bob because no identity-based policy allows the "
                + "iam:CreateUser action", other.getMessage());
        assertError(ErrorCode.ACCESS_DENIED, null, () -> iam.deleteUser(asAlice, "app-1"));
        assertError(ErrorCode.ACCESS_DENIED, null, () -> iam.createServicePrincipal(asAlice, "backup.kms.local"));
        assertEquals(0, iam.listUsers(root(OTHER_ACCOUNT)).size(), "another account's users untouched");
    }

    @Test
    void iamActions_anExplicitDeny_winsOverAnAllow() {
        Principal alice = f.userPrincipal(ACCOUNT, "alice");
        iam.putUserPolicy(root, "alice", "all", IdentityFixture.ALLOW_ALL);
        RequestContext asAlice = IdentityFixture.as(alice);
        iam.createAccessKey(asAlice, "alice").close();
        iam.putUserPolicy(root, "alice", "no-keys", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                + "\"Deny\",\"Action\":\"iam:*AccessKey*\",\"Resource\":\"*\"}]}");
        assertError(ErrorCode.ACCESS_DENIED, null, () -> iam.createAccessKey(asAlice, "alice"));
        assertEquals(1, iam.listUsers(asAlice).size());
    }

    @Test
    void iamActions_byARoleSessionWhoseRoleAllowsThem_areAllowed() {
        iam.createRole(root, "admin", trust("arn:aws:iam::111122223333:root"), null);
        iam.putRolePolicy(root, "admin", "roles", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                + "\"Allow\",\"Action\":\"iam:*Role*\",\"Resource\":\"*\"}]}");
        Principal session = new Principal(dev.kms.core.policy.PrincipalType.ASSUMED_ROLE,
                "arn:aws:sts::111122223333:assumed-role/admin/s1", ACCOUNT, "AROAX:s1", "s1", "ASIAX");
        RequestContext asSession = IdentityFixture.as(session);
        assertEquals(List.of("admin"), iam.listRoles(asSession).stream().map(Role::roleName).toList());
        assertError(ErrorCode.ACCESS_DENIED, null, () -> iam.listUsers(asSession));
    }

    @Test
    void usersOfEachAccount_areSeparate() {
        iam.createUser(root, "alice");
        iam.createUser(root(OTHER_ACCOUNT), "alice");
        assertEquals("arn:aws:iam::444455556666:user/alice", iam.getUser(root(OTHER_ACCOUNT), "alice").arn());
        assertEquals(1, iam.listUsers(root).size());
    }

    @Test
    void getUser_unknown_failsWithNotFound() {
        assertError(ErrorCode.NOT_FOUND, "The user with name alice cannot be found.", () -> iam.getUser(root, "alice"));
    }

    @Test
    void deleteUser_withKeysOrPolicies_failsUntilTheyAreGone() {
        iam.createUser(root, "alice");
        String keyId;
        try (CreatedAccessKey key = iam.createAccessKey(root, "alice")) {
            keyId = key.accessKey().accessKeyId();
        }
        iam.putUserPolicy(root, "alice", "p", ALLOW_ENCRYPT);
        assertError(ErrorCode.DELETE_CONFLICT, "Cannot delete entity, must delete access keys first.",
                () -> iam.deleteUser(root, "alice"));
        iam.deleteAccessKey(root, "alice", keyId);
        assertError(ErrorCode.DELETE_CONFLICT, "Cannot delete entity, must delete policies first.",
                () -> iam.deleteUser(root, "alice"));
        iam.deleteUserPolicy(root, "alice", "p");
        iam.deleteUser(root, "alice");
        assertEquals(List.of(), iam.listUsers(root));
    }

    // ---- access keys

    @Test
    void createAccessKey_givesAnAkiaIdAndA40CharSecretShownOnce() {
        iam.createUser(root, "alice");
        try (CreatedAccessKey key = iam.createAccessKey(root, "alice")) {
            assertTrue(key.accessKey().accessKeyId().matches("AKIA[A-Z0-9]{16}"));
            assertEquals(40, key.secretAccessKey().length());
            assertEquals(AccessKeyStatus.Active, key.accessKey().status());
            String secret = new String(key.secretAccessKey().chars());
            assertFalse(key.toString().contains(secret), key.toString());
            assertEquals(List.of(key.accessKey()), iam.listAccessKeys(root, "alice"));
            AccessKey stored = f.store.findAccessKey(key.accessKey().accessKeyId()).orElseThrow();
            // The store holds ciphertext only.
            assertFalse(new String(stored.secret().bytes(), StandardCharsets.ISO_8859_1).contains(secret));
            assertFalse(stored.secret().base64().contains(secret));
            assertFalse(stored.toString().contains(secret));
        }
    }

    @Test
    void createAccessKey_closingTheResult_zeroizesTheSecret() {
        iam.createUser(root, "alice");
        CreatedAccessKey key = iam.createAccessKey(root, "alice");
        char[] chars = key.secretAccessKey().chars();
        key.close();
        assertEquals(new String(new char[40]), new String(chars));
    }

    @Test
    void createAccessKey_aThird_failsWithLimitExceeded() {
        iam.createUser(root, "alice");
        iam.createAccessKey(root, "alice").close();
        iam.createAccessKey(root, "alice").close();
        assertError(ErrorCode.LIMIT_EXCEEDED, "Cannot exceed quota for AccessKeysPerUser: 2",
                () -> iam.createAccessKey(root, "alice"));
        assertEquals(2, iam.listAccessKeys(root, "alice").size());
    }

    @Test
    void createAccessKey_forAnUnknownUser_failsWithNotFound() {
        assertError(ErrorCode.NOT_FOUND, "The user with name bob cannot be found.", () -> iam.createAccessKey(root, "bob"));
    }

    @Test
    void deleteAccessKey_ofAnotherUser_failsWithNotFound() {
        iam.createUser(root, "alice");
        iam.createUser(root, "bob");
        String keyId;
        try (CreatedAccessKey key = iam.createAccessKey(root, "alice")) {
            keyId = key.accessKey().accessKeyId();
        }
        assertError(ErrorCode.NOT_FOUND, "The Access Key with id " + keyId + " cannot be found.",
                () -> iam.deleteAccessKey(root, "bob", keyId));
        assertError(ErrorCode.NOT_FOUND, null, () -> iam.deleteAccessKey(root(OTHER_ACCOUNT), "alice", keyId));
        assertEquals(1, iam.listAccessKeys(root, "alice").size());
    }

    @Test
    void updateAccessKey_deactivatesIt() {
        iam.createUser(root, "alice");
        try (CreatedAccessKey key = iam.createAccessKey(root, "alice")) {
            iam.updateAccessKey(root, "alice", key.accessKey().accessKeyId(), AccessKeyStatus.Inactive);
            assertEquals(AccessKeyStatus.Inactive, iam.listAccessKeys(root, "alice").get(0).status());
        }
    }

    // ---- user policies

    @Test
    void userPolicies_putGetListReplaceDelete() {
        iam.createUser(root, "alice");
        iam.putUserPolicy(root, "alice", "encrypt", ALLOW_ENCRYPT);
        iam.putUserPolicy(root, "alice", "all", IdentityFixture.ALLOW_ALL);
        assertEquals(List.of("all", "encrypt"), iam.listUserPolicies(root, "alice"));
        assertEquals(new InlinePolicy("encrypt", ALLOW_ENCRYPT), iam.getUserPolicy(root, "alice", "encrypt"));
        iam.putUserPolicy(root, "alice", "encrypt", IdentityFixture.DENY_ALL);
        assertEquals(IdentityFixture.DENY_ALL, iam.getUserPolicy(root, "alice", "encrypt").document());
        iam.deleteUserPolicy(root, "alice", "encrypt");
        assertEquals(List.of("all"), iam.listUserPolicies(root, "alice"));
        assertError(ErrorCode.NOT_FOUND, "The user policy with name encrypt cannot be found.",
                () -> iam.getUserPolicy(root, "alice", "encrypt"));
    }

    @Test
    void putUserPolicy_withAPrincipal_failsAsMalformed() {
        iam.createUser(root, "alice");
        KmsException e = assertError(ErrorCode.MALFORMED_POLICY_DOCUMENT, null,
                () -> iam.putUserPolicy(root, "alice", "p", trust("arn:aws:iam::111122223333:root")));
        assertTrue(e.getMessage().startsWith("Statement[0]"), e.getMessage());
    }

    @Test
    void putUserPolicy_withAnEmptyDocument_failsAsMalformed() {
        iam.createUser(root, "alice");
        assertError(ErrorCode.MALFORMED_POLICY_DOCUMENT, null, () -> iam.putUserPolicy(root, "alice", "p", " "));
    }

    @Test
    void putUserPolicy_pastTheUsersAggregateSize_failsWithLimitExceeded() {
        iam.createUser(root, "alice");
        String big = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"" + "x".repeat(1000)
                + "\",\"Effect\":\"Allow\",\"Action\":\"kms:Encrypt\",\"Resource\":\"*\"}]}";
        iam.putUserPolicy(root, "alice", "a", big);
        iam.putUserPolicy(root, "alice", "a", big); // replacing does not count twice
        assertError(ErrorCode.LIMIT_EXCEEDED, "Maximum policy size of 2048 bytes exceeded for user alice",
                () -> iam.putUserPolicy(root, "alice", "b", big));
    }

    @Test
    void putUserPolicy_forAnUnknownUser_failsWithNotFound() {
        assertError(ErrorCode.NOT_FOUND, "The user with name bob cannot be found.",
                () -> iam.putUserPolicy(root, "bob", "p", ALLOW_ENCRYPT));
    }

    // ---- roles

    @Test
    void createRole_withAnExistingPrincipal_givesAnAroaIdAndDefaults() {
        iam.createUser(root, "alice");
        Role role = iam.createRole(root, "ops", trust("arn:aws:iam::111122223333:user/alice"), null);
        assertTrue(role.roleId().matches("AROA[A-Z0-9]{16}"), role.roleId());
        assertEquals("arn:aws:iam::111122223333:role/ops", role.arn());
        assertEquals(3600, role.maxSessionDurationSeconds());
        assertEquals(List.of(role), iam.listRoles(root));
        assertEquals(role, iam.getRole(root, "OPS"));
    }

    @Test
    void createRole_namingAPrincipalThatDoesNotExist_failsAsMalformedNamingIt() {
        assertError(ErrorCode.MALFORMED_POLICY_DOCUMENT,
                "Invalid principal in policy: \"AWS\":\"arn:aws:iam::111122223333:user/nobody\"",
                () -> iam.createRole(root, "ops", trust("arn:aws:iam::111122223333:user/nobody"), null));
        assertError(ErrorCode.MALFORMED_POLICY_DOCUMENT, "Invalid principal in policy: \"AWS\":\"999999999999\"",
                () -> iam.createRole(root, "ops", trust("999999999999"), null));
        assertEquals(List.of(), iam.listRoles(root));
    }

    @Test
    void createRole_namingAnotherAccountOrItsRoot_succeeds() {
        iam.createRole(root, "a", trust(OTHER_ACCOUNT), null);
        iam.createRole(root, "b", trust("arn:aws:iam::444455556666:root"), 43_200);
        assertEquals(43_200, iam.getRole(root, "b").maxSessionDurationSeconds());
    }

    @Test
    void createRole_withAnInvalidTrustPolicyOrDuration_fails() {
        assertError(ErrorCode.MALFORMED_POLICY_DOCUMENT, null, () -> iam.createRole(root, "ops", ALLOW_ENCRYPT, null));
        assertError(ErrorCode.VALIDATION, null, () -> iam.createRole(root, "ops", trust(ACCOUNT), 3599));
        assertError(ErrorCode.VALIDATION, null, () -> iam.createRole(root, "ops", trust(ACCOUNT), 43_201));
    }

    @Test
    void createRole_twice_failsWithAlreadyExists() {
        iam.createRole(root, "ops", trust(ACCOUNT), null);
        assertError(ErrorCode.ALREADY_EXISTS, "Role with name ops already exists.",
                () -> iam.createRole(root, "ops", trust(ACCOUNT), null));
    }

    @Test
    void rolePolicies_putGetListDelete_andDeleteRoleNeedsThemGone() {
        iam.createRole(root, "ops", trust(ACCOUNT), null);
        iam.putRolePolicy(root, "ops", "encrypt", ALLOW_ENCRYPT);
        assertEquals(List.of("encrypt"), iam.listRolePolicies(root, "ops"));
        assertEquals(ALLOW_ENCRYPT, iam.getRolePolicy(root, "ops", "encrypt").document());
        assertError(ErrorCode.DELETE_CONFLICT, "Cannot delete entity, must delete policies first.", () -> iam.deleteRole(root, "ops"));
        iam.deleteRolePolicy(root, "ops", "encrypt");
        assertError(ErrorCode.NOT_FOUND, "The role policy with name encrypt cannot be found.",
                () -> iam.getRolePolicy(root, "ops", "encrypt"));
        iam.deleteRole(root, "ops");
        assertError(ErrorCode.NOT_FOUND, "The role with name ops cannot be found.", () -> iam.getRole(root, "ops"));
    }

    // ---- principals

    @Test
    void exists_knowsAccountsUsersRolesAndSessions() {
        iam.createUser(root, "alice");
        iam.createRole(root, "ops", trust(ACCOUNT), null);
        assertTrue(iam.exists("*"));
        assertTrue(iam.exists(ACCOUNT));
        assertTrue(iam.exists("arn:aws:iam::444455556666:root"));
        assertTrue(iam.exists("arn:aws:iam::111122223333:user/alice"));
        assertTrue(iam.exists("arn:aws:iam::111122223333:role/ops"));
        assertTrue(iam.exists("arn:aws:sts::111122223333:assumed-role/ops/s1"));
        assertTrue(iam.exists("cloudtrail.amazonaws.com"));
        assertFalse(iam.exists("999999999999"));
        assertFalse(iam.exists("arn:aws:iam::111122223333:user/bob"));
        assertFalse(iam.exists("arn:aws:iam::444455556666:user/alice"));
        assertFalse(iam.exists("arn:aws-cn:iam::111122223333:user/alice"));
        assertFalse(iam.exists("arn:aws:iam::111122223333:role/dev"));
    }
}
