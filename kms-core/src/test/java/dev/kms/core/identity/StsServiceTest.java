package dev.kms.core.identity;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.policy.PrincipalType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;

import static dev.kms.core.identity.IdentityFixture.ACCOUNT;
import static dev.kms.core.identity.IdentityFixture.ALLOW_ALL;
import static dev.kms.core.identity.IdentityFixture.OTHER_ACCOUNT;
import static dev.kms.core.identity.IdentityFixture.as;
import static dev.kms.core.identity.IdentityFixture.root;
import static dev.kms.core.identity.IdentityFixture.trust;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StsServiceTest {
    private static final String ROLE = "arn:aws:iam::111122223333:role/ops";
    private static final String ALICE = "arn:aws:iam::111122223333:user/alice";

    private final IdentityFixture f = new IdentityFixture();
    private final RequestContext root = root(ACCOUNT);

    private static void assertDenied(Principal caller, String roleArn, Executable call) {
        KmsException e = assertThrows(KmsException.class, call);
        assertEquals(ErrorCode.ACCESS_DENIED, e.code(), e.getMessage());
        assertEquals("User: " + caller.arn() + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn,
                e.getMessage());
    }

    @Test
    void assumeRole_byAUserTheTrustPolicyNames_givesTemporaryCredentialsOfTheSession() {
        Principal alice = f.userPrincipal(ACCOUNT, "alice");
        Role role = f.iam.createRole(root, "ops", trust(ALICE), null);
        try (TemporaryCredentials creds = f.sts.assumeRole(as(alice), ROLE, "alice-session", null)) {
            assertTrue(creds.accessKeyId().matches("ASIA[A-Z0-9]{16}"), creds.accessKeyId());
            assertEquals(40, creds.secretAccessKey().length());
            assertEquals(f.clock.instant().plus(Duration.ofHours(1)), creds.expiration());
            assertEquals("arn:aws:sts::111122223333:assumed-role/ops/alice-session", creds.assumedRoleArn());
            assertEquals(role.roleId() + ":alice-session", creds.assumedRoleId());
            Principal session = f.authenticator.authenticate(creds.accessKeyId(), creds.secretAccessKey().chars(),
                    new String(creds.sessionToken().chars()));
            assertEquals(PrincipalType.ASSUMED_ROLE, session.type());
            assertEquals(creds.assumedRoleArn(), session.arn());
            assertEquals(ACCOUNT, session.accountId());
            assertEquals(creds.accessKeyId(), session.accessKeyId());
        }
    }

    @Test
    void temporaryCredentials_neverPrintTheirSecrets() {
        Principal alice = f.userPrincipal(ACCOUNT, "alice");
        f.iam.createRole(root, "ops", trust(ALICE), null);
        try (TemporaryCredentials creds = f.sts.assumeRole(as(alice), ROLE, "s1", null)) {
            String text = creds.toString();
            assertFalse(text.contains(new String(creds.secretAccessKey().chars())), text);
            assertFalse(text.contains(new String(creds.sessionToken().chars())), text);
            AccessKey stored = f.store.findAccessKey(creds.accessKeyId()).orElseThrow();
            assertFalse(stored.toString().contains(new String(creds.secretAccessKey().chars())));
            assertFalse(stored.sessionTokenHash().contains(new String(creds.sessionToken().chars())));
        }
    }

    @Test
    void assumeRole_byAUserTheTrustPolicyDoesNotName_isDenied() {
        f.userPrincipal(ACCOUNT, "alice");
        Principal bob = f.userPrincipal(ACCOUNT, "bob");
        f.iam.createRole(root, "ops", trust(ALICE), null);
        assertDenied(bob, ROLE, () -> f.sts.assumeRole(as(bob), ROLE, "s1", null));
    }

    @Test
    void assumeRole_whenTheTrustPolicyNamesTheAccount_needsAnIdentityPolicyToo() {
        Principal alice = f.userPrincipal(ACCOUNT, "alice");
        f.iam.createRole(root, "ops", trust("arn:aws:iam::111122223333:root"), null);
        assertDenied(alice, ROLE, () -> f.sts.assumeRole(as(alice), ROLE, "s1", null));
        f.iam.putUserPolicy(root, "alice", "all", ALLOW_ALL);
        f.sts.assumeRole(as(alice), ROLE, "s1", null).close();
    }

    @Test
    void assumeRole_withAnExplicitDenyInAnIdentityPolicy_isDenied() {
        Principal alice = f.userPrincipal(ACCOUNT, "alice");
        f.iam.createRole(root, "ops", trust(ALICE), null);
        f.iam.putUserPolicy(root, "alice", "deny", IdentityFixture.DENY_ALL);
        assertDenied(alice, ROLE, () -> f.sts.assumeRole(as(alice), ROLE, "s1", null));
    }

    @Test
    void assumeRole_withAnExplicitDenyInTheTrustPolicy_isDenied() {
        Principal alice = f.userPrincipal(ACCOUNT, "alice");
        String document = "{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ACCOUNT + "\"},\"Action\":\"sts:AssumeRole\"},"
                + "{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"" + ALICE + "\"},\"Action\":\"sts:AssumeRole\"}]}";
        f.iam.createRole(root, "ops", document, null);
        f.iam.putUserPolicy(root, "alice", "all", ALLOW_ALL);
        assertDenied(alice, ROLE, () -> f.sts.assumeRole(as(alice), ROLE, "s1", null));
    }

    @Test
    void assumeRole_acrossAccounts_needsTheTrustPolicyAndTheCallersIdentityPolicy() {
        Principal carol = f.userPrincipal(OTHER_ACCOUNT, "carol");
        f.iam.createRole(root, "ops", trust("arn:aws:iam::444455556666:user/carol"), null);
        assertDenied(carol, ROLE, () -> f.sts.assumeRole(as(carol), ROLE, "s1", null));
        f.iam.putUserPolicy(root(OTHER_ACCOUNT), "carol", "all", ALLOW_ALL);
        try (TemporaryCredentials creds = f.sts.assumeRole(as(carol), ROLE, "s1", null)) {
            assertEquals("arn:aws:sts::111122223333:assumed-role/ops/s1", creds.assumedRoleArn());
        }
    }

    @Test
    void assumeRole_byTheAccountRoot_isDenied() {
        f.iam.createRole(root, "ops", trust(ACCOUNT), null);
        assertDenied(root.principal(), ROLE, () -> f.sts.assumeRole(root, ROLE, "s1", null));
    }

    @Test
    void assumeRole_ofARoleThatDoesNotExist_isDeniedAlike() {
        Principal alice = f.userPrincipal(ACCOUNT, "alice");
        assertDenied(alice, "arn:aws:iam::111122223333:role/nope",
                () -> f.sts.assumeRole(as(alice), "arn:aws:iam::111122223333:role/nope", "s1", null));
    }

    @Test
    void assumeRole_durationOutsideTheRolesBounds_failsWithValidation() {
        Principal alice = f.userPrincipal(ACCOUNT, "alice");
        f.iam.createRole(root, "ops", trust(ALICE), 7200);
        assertEquals(ErrorCode.VALIDATION, assertThrows(KmsException.class,
                () -> f.sts.assumeRole(as(alice), ROLE, "s1", 899)).code());
        KmsException e = assertThrows(KmsException.class, () -> f.sts.assumeRole(as(alice), ROLE, "s1", 7201));
        assertEquals("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", e.getMessage());
        try (TemporaryCredentials creds = f.sts.assumeRole(as(alice), ROLE, "s1", 7200)) {
            assertEquals(f.clock.instant().plusSeconds(7200), creds.expiration());
        }
    }

    @Test
    void assumeRole_withABadSessionNameOrRoleArn_failsWithValidation() {
        Principal alice = f.userPrincipal(ACCOUNT, "alice");
        f.iam.createRole(root, "ops", trust(ALICE), null);
        assertEquals(ErrorCode.VALIDATION, assertThrows(KmsException.class,
                () -> f.sts.assumeRole(as(alice), ROLE, "x", null)).code());
        assertEquals(ErrorCode.VALIDATION, assertThrows(KmsException.class,
                () -> f.sts.assumeRole(as(alice), ROLE, "bad name", null)).code());
        assertEquals(ErrorCode.VALIDATION, assertThrows(KmsException.class,
                () -> f.sts.assumeRole(as(alice), "arn:aws:iam::111122223333:user/alice", "s1", null)).code());
    }

    @Test
    void assumeRole_byASessionOfARoleTheTrustPolicyNames_isLimitedToOneHour() {
        Principal alice = f.userPrincipal(ACCOUNT, "alice");
        f.iam.createRole(root, "ops", trust(ALICE), null);
        f.iam.createRole(root, "audit", trust(ROLE), 7200);
        try (TemporaryCredentials creds = f.sts.assumeRole(as(alice), ROLE, "s1", null)) {
            Principal session = f.authenticator.authenticate(creds.accessKeyId(), creds.secretAccessKey().chars(),
                    new String(creds.sessionToken().chars()));
            String audit = "arn:aws:iam::111122223333:role/audit";
            assertEquals(ErrorCode.VALIDATION, assertThrows(KmsException.class,
                    () -> f.sts.assumeRole(as(session), audit, "chained", 7200)).code());
            f.sts.assumeRole(as(session), audit, "chained", 3600).close();
        }
    }
}
