package dev.kms.core.identity;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.policy.NamedPolicy;
import dev.kms.core.policy.PrincipalType;
import dev.kms.core.secret.Secret;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.List;

import static dev.kms.core.identity.IdentityFixture.ACCOUNT;
import static dev.kms.core.identity.IdentityFixture.ALLOW_ENCRYPT;
import static dev.kms.core.identity.IdentityFixture.as;
import static dev.kms.core.identity.IdentityFixture.root;
import static dev.kms.core.identity.IdentityFixture.trust;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AuthenticatorTest {
    private static final String INVALID = "The security token included in the request is invalid.";

    private final IdentityFixture f = new IdentityFixture();
    private final RequestContext root = root(ACCOUNT);
    private User alice;
    private String keyId;
    private char[] secret;

    @BeforeEach
    void createAliceWithAKey() {
        alice = f.iam.createUser(root, "alice");
        try (CreatedAccessKey key = f.iam.createAccessKey(root, "alice")) {
            keyId = key.accessKey().accessKeyId();
            secret = key.secretAccessKey().chars().clone();
        }
    }

    private void assertRefused(String message, Executable call) {
        KmsException e = assertThrows(KmsException.class, call);
        assertEquals(ErrorCode.ACCESS_DENIED, e.code());
        assertEquals(message, e.getMessage());
        assertFalse(e.getMessage().contains(new String(secret)));
    }

    private TemporaryCredentials assumeOps() {
        if (f.store.findRole(ACCOUNT, "ops").isEmpty()) {
            f.iam.createRole(root, "ops", trust(alice.arn()), null);
        }
        Principal user = f.authenticator.authenticate(keyId, secret, null);
        return f.sts.assumeRole(as(user), "arn:aws:iam::111122223333:role/ops", "s1", null);
    }

    @Test
    void authenticate_withTheRightSecret_givesTheUser() {
        Principal p = f.authenticator.authenticate(keyId, secret, null);
        assertEquals(new Principal(PrincipalType.USER, alice.arn(), ACCOUNT, alice.userId(), "alice", keyId), p);
        assertEquals("IAMUser", p.cloudTrailType());
    }

    @Test
    void authenticate_anUnknownOrMalformedKey_isRefused() {
        assertRefused(INVALID, () -> f.authenticator.authenticate("AKIAZZZZZZZZZZZZZZZZ", secret, null));
        assertRefused(INVALID, () -> f.authenticator.authenticate("nonsense", secret, null));
        assertRefused(INVALID, () -> f.authenticator.authenticate(null, secret, null));
    }

    @Test
    void authenticate_aWrongSecret_isRefusedWithoutShowingIt() {
        char[] wrong = secret.clone();
        wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
        assertRefused(CredentialsRefused.Reason.BAD_SIGNATURE.message(), () -> f.authenticator.authenticate(keyId, wrong, null));
        assertRefused(CredentialsRefused.Reason.BAD_SIGNATURE.message(), () -> f.authenticator.authenticate(keyId, new char[0], null));
        assertRefused(CredentialsRefused.Reason.BAD_SIGNATURE.message(), () -> f.authenticator.authenticate(keyId, null, null));
    }

    @Test
    void authenticate_anInactiveKey_isRefused_untilReactivated() {
        f.iam.updateAccessKey(root, "alice", keyId, AccessKeyStatus.Inactive);
        assertRefused(INVALID, () -> f.authenticator.authenticate(keyId, secret, null));
        f.iam.updateAccessKey(root, "alice", keyId, AccessKeyStatus.Active);
        f.authenticator.authenticate(keyId, secret, null);
    }

    @Test
    void authenticate_aUsersKeyWithASessionToken_isRefused() {
        assertRefused(INVALID, () -> f.authenticator.authenticate(keyId, secret, "token"));
    }

    @Test
    void authenticate_aDeletedKey_isRefused() {
        f.iam.deleteAccessKey(root, "alice", keyId);
        assertRefused(INVALID, () -> f.authenticator.authenticate(keyId, secret, null));
    }

    @Test
    void authenticate_temporaryCredentials_needTheirSessionToken() {
        try (TemporaryCredentials creds = assumeOps()) {
            char[] s = creds.secretAccessKey().chars();
            String token = new String(creds.sessionToken().chars());
            assertRefused(INVALID, () -> f.authenticator.authenticate(creds.accessKeyId(), s, null));
            assertRefused(INVALID, () -> f.authenticator.authenticate(creds.accessKeyId(), s, token + "x"));
            assertEquals(PrincipalType.ASSUMED_ROLE, f.authenticator.authenticate(creds.accessKeyId(), s, token).type());
        }
    }

    @Test
    void authenticate_expiredTemporaryCredentials_isRefused() {
        try (TemporaryCredentials creds = assumeOps()) {
            char[] s = creds.secretAccessKey().chars();
            String token = new String(creds.sessionToken().chars());
            f.clock.advance(Duration.ofSeconds(3599));
            f.authenticator.authenticate(creds.accessKeyId(), s, token);
            f.clock.advance(Duration.ofSeconds(1));
            assertRefused("The security token included in the request is expired",
                    () -> f.authenticator.authenticate(creds.accessKeyId(), s, token));
            // Only the token's holder learns that the session expired.
            assertRefused(INVALID, () -> f.authenticator.authenticate(creds.accessKeyId(), s, "other"));
            assertEquals(1, f.store.deleteExpiredAccessKeys(f.clock.instant()));
        }
    }

    @Test
    void authenticate_aSessionOfADeletedOrRecreatedRole_isRefused() {
        try (TemporaryCredentials creds = assumeOps()) {
            char[] s = creds.secretAccessKey().chars();
            String token = new String(creds.sessionToken().chars());
            f.iam.deleteRole(root, "ops");
            assertRefused(INVALID, () -> f.authenticator.authenticate(creds.accessKeyId(), s, token));
            f.iam.createRole(root, "ops", trust(alice.arn()), null);
            assertRefused(INVALID, () -> f.authenticator.authenticate(creds.accessKeyId(), s, token));
        }
    }

    @Test
    void principalOf_andRevealSecret_serveASignatureVerifier() {
        assertEquals(alice.arn(), f.authenticator.principalOf(keyId, null).arn());
        try (Secret revealed = f.authenticator.revealSecret(keyId)) {
            assertArrayEquals(secret, revealed.chars());
        }
        assertRefused(INVALID, () -> f.authenticator.revealSecret("AKIAZZZZZZZZZZZZZZZZ"));
    }

    @Test
    void identityPolicies_ofAUser_areItsInlinePolicies() {
        f.iam.putUserPolicy(root, "alice", "encrypt", ALLOW_ENCRYPT);
        Principal p = f.authenticator.authenticate(keyId, secret, null);
        List<NamedPolicy> policies = f.authenticator.identityPolicies(p);
        assertEquals(List.of("user/alice: encrypt"), policies.stream().map(NamedPolicy::name).toList());
        assertEquals("kms:Encrypt", policies.get(0).policy().statements().get(0).actions().values().get(0));
    }

    @Test
    void identityPolicies_ofASession_areItsRoles_andWorkFromTheArnAlone() {
        try (TemporaryCredentials creds = assumeOps()) {
            f.iam.putRolePolicy(root, "ops", "encrypt", ALLOW_ENCRYPT);
            Principal bare = new Principal(PrincipalType.ASSUMED_ROLE, creds.assumedRoleArn(), ACCOUNT, null, null, null);
            assertEquals(List.of("role/ops: encrypt"),
                    f.authenticator.identityPolicies(bare).stream().map(NamedPolicy::name).toList());
        }
    }

    @Test
    void identityPolicies_ofTheRootOrAGonePrincipal_areNone() {
        assertEquals(List.of(), f.authenticator.identityPolicies(root.principal()));
        Principal gone = new Principal(PrincipalType.USER, "arn:aws:iam::111122223333:user/gone", ACCOUNT, null, null, null);
        assertEquals(List.of(), f.authenticator.identityPolicies(gone));
    }
}
