package dev.kms.server;

import dev.kms.core.error.KmsException;
import dev.kms.api.JsonPolicyParser;
import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.fake.InMemoryIdentityStore;
import dev.kms.core.fake.MutableClock;
import dev.kms.core.identity.AccessKeyStatus;
import dev.kms.core.identity.CreatedAccessKey;
import dev.kms.core.identity.IdentityServices;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.identity.TemporaryCredentials;
import dev.kms.core.identity.User;
import dev.kms.core.model.Deployment;
import dev.kms.core.policy.PrincipalType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The SigV4 credential lookup over the real identity services (on fakes). */
class AuthenticatorCredentialsTest {
    static final String ACCOUNT = "111122223333";
    final MutableClock clock = new MutableClock(Instant.parse("2025-01-02T03:04:05Z"));
    final InMemoryIdentityStore store = new InMemoryIdentityStore();
    final IdentityServices identity = IdentityServices.create(new Deployment("aws", "us-east-1", ACCOUNT),
            new InMemoryHsm(), store, store, new JsonPolicyParser(), clock);
    final RequestContext root = RequestContext.direct(Principal.root("aws", ACCOUNT), "127.0.0.1", "test");
    final AuthenticatorCredentials credentials = new AuthenticatorCredentials(identity.authenticator(), clock,
            AuthenticatorCredentials.PRINCIPAL_TTL);

    @Test
    void activeUserKey_givesTheUserAndACopyOfItsSecret() {
        identity.iam().createUser(root, "alice");
        try (CreatedAccessKey key = identity.iam().createAccessKey(root, "alice")) {
            String id = key.accessKey().accessKeyId();
            Principal principal = credentials.principalOf(id, null);
            assertEquals(PrincipalType.USER, principal.type());
            assertEquals("arn:aws:iam::" + ACCOUNT + ":user/alice", principal.arn());
            char[] secret = credentials.secretOf(id);
            assertArrayEquals(key.secretAccessKey().chars(), secret);
            Arrays.fill(secret, '\0');
            assertEquals(key.secretAccessKey().length(), key.secretAccessKey().chars().length); // not the same array
        }
    }

    @Test
    void unknownKey_isUnrecognizedClient() {
        KmsException e = assertThrows(KmsException.class, () -> credentials.principalOf("AKIAUNKNOWNUNKNOWN00", null));
        assertEquals("UnrecognizedClientException", e.code().awsName());
        assertEquals("UnrecognizedClientException",
                assertThrows(KmsException.class, () -> credentials.secretOf("AKIAUNKNOWNUNKNOWN00")).code().awsName());
    }

    @Test
    void inactiveKey_isUnrecognizedClient() {
        identity.iam().createUser(root, "bob");
        try (CreatedAccessKey key = identity.iam().createAccessKey(root, "bob")) {
            String id = key.accessKey().accessKeyId();
            identity.iam().updateAccessKey(root, "bob", id, AccessKeyStatus.Inactive);
            KmsException e = assertThrows(KmsException.class, () -> credentials.principalOf(id, null));
            assertEquals("UnrecognizedClientException", e.code().awsName());
        }
    }

    @Test
    void sessionTokenOnALongTermKey_isUnrecognizedClient() {
        identity.iam().createUser(root, "carol");
        try (CreatedAccessKey key = identity.iam().createAccessKey(root, "carol")) {
            String id = key.accessKey().accessKeyId();
            assertEquals("UnrecognizedClientException",
                    assertThrows(KmsException.class, () -> credentials.principalOf(id, "token")).code().awsName());
        }
    }

    @Test
    void acceptedKey_isReusedForTheTtl_thenADeactivationOrDeletionRefusesIt() {
        identity.iam().createUser(root, "dave");
        try (CreatedAccessKey first = identity.iam().createAccessKey(root, "dave");
             CreatedAccessKey second = identity.iam().createAccessKey(root, "dave")) {
            String inactive = first.accessKey().accessKeyId();
            String deleted = second.accessKey().accessKeyId();
            credentials.principalOf(inactive, null);
            credentials.principalOf(deleted, null);
            identity.iam().updateAccessKey(root, "dave", inactive, AccessKeyStatus.Inactive);
            identity.iam().deleteAccessKey(root, "dave", deleted);

            clock.advance(AuthenticatorCredentials.PRINCIPAL_TTL.minusMillis(1));
            assertEquals("dave", credentials.principalOf(inactive, null).name());
            assertEquals("dave", credentials.principalOf(deleted, null).name());

            clock.advance(Duration.ofMillis(1));
            assertEquals("UnrecognizedClientException",
                    assertThrows(KmsException.class, () -> credentials.principalOf(inactive, null)).code().awsName());
            assertEquals("UnrecognizedClientException",
                    assertThrows(KmsException.class, () -> credentials.principalOf(deleted, null)).code().awsName());
        }
    }

    @Test
    void cachedSessionKey_needsItsOwnSessionToken_andExpiresWithinTheTtl() {
        User erin = identity.iam().createUser(root, "erin");
        identity.iam().createRole(root, "ops", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"" + erin.arn() + "\"},\"Action\":\"sts:AssumeRole\"}]}", null);
        Principal asErin = new Principal(PrincipalType.USER, erin.arn(), ACCOUNT, erin.userId(), "erin", null);
        try (TemporaryCredentials session = identity.sts().assumeRole(RequestContext.direct(asErin, null, "test"),
                "arn:aws:iam::" + ACCOUNT + ":role/ops", "s1", 900)) {
            String id = session.accessKeyId();
            String token = new String(session.sessionToken().chars());
            assertEquals(PrincipalType.ASSUMED_ROLE, credentials.principalOf(id, token).type());

            assertEquals("UnrecognizedClientException",
                    assertThrows(KmsException.class, () -> credentials.principalOf(id, token + "x")).code().awsName());
            assertEquals("UnrecognizedClientException",
                    assertThrows(KmsException.class, () -> credentials.principalOf(id, null)).code().awsName());

            assertEquals(PrincipalType.ASSUMED_ROLE, credentials.principalOf(id, token).type());
            clock.advance(Duration.ofSeconds(900).plus(AuthenticatorCredentials.PRINCIPAL_TTL));
            assertEquals("ExpiredTokenException",
                    assertThrows(KmsException.class, () -> credentials.principalOf(id, token)).code().awsName());
        }
    }

    @Test
    void zeroTtl_asksTheIdentityStoreEveryTime() {
        AuthenticatorCredentials uncached = new AuthenticatorCredentials(identity.authenticator(), clock, Duration.ZERO);
        identity.iam().createUser(root, "frank");
        try (CreatedAccessKey key = identity.iam().createAccessKey(root, "frank")) {
            String id = key.accessKey().accessKeyId();
            uncached.principalOf(id, null);
            identity.iam().updateAccessKey(root, "frank", id, AccessKeyStatus.Inactive);
            assertThrows(KmsException.class, () -> uncached.principalOf(id, null));
        }
    }
}
