package dev.kms.core.identity;

import dev.kms.core.policy.NamedPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.kms.core.identity.IdentityFixture.ACCOUNT;
import static dev.kms.core.identity.IdentityFixture.ALLOW_ENCRYPT;
import static dev.kms.core.identity.IdentityFixture.DENY_ALL;
import static dev.kms.core.identity.IdentityFixture.root;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentityDirectoryTest {
    private final IdentityFixture f = new IdentityFixture();

    @Test
    void identityPolicies_ofAUser_areItsInlinePolicies() {
        Principal alice = f.userPrincipal(ACCOUNT, "alice");
        f.iam.putUserPolicy(root(ACCOUNT), "alice", "enc", ALLOW_ENCRYPT);

        List<NamedPolicy> policies = new IdentityDirectory(f.services, f.clock, Duration.ZERO).identityPolicies(alice);

        assertEquals(List.of("user/alice: enc"), policies.stream().map(NamedPolicy::name).toList());
    }

    @Test
    void identityPolicies_ofTheRoot_areNone() {
        IdentityDirectory directory = new IdentityDirectory(f.services, f.clock, Duration.ofSeconds(5));

        assertEquals(List.of(), directory.identityPolicies(Principal.root("aws", ACCOUNT)));
    }

    @Test
    void identityPolicies_areCachedForTheTtl_thenReadAgain() {
        Principal alice = f.userPrincipal(ACCOUNT, "alice");
        f.iam.putUserPolicy(root(ACCOUNT), "alice", "enc", ALLOW_ENCRYPT);
        IdentityDirectory directory = new IdentityDirectory(f.services, f.clock, Duration.ofSeconds(5));
        assertEquals(1, directory.identityPolicies(alice).size());

        f.iam.putUserPolicy(root(ACCOUNT), "alice", "deny", DENY_ALL);
        f.clock.advance(Duration.ofSeconds(4));
        assertEquals(1, directory.identityPolicies(alice).size(), "within the ttl");
        f.clock.advance(Duration.ofSeconds(1));
        assertEquals(2, directory.identityPolicies(alice).size(), "after the ttl");
    }

    @Test
    void exists_asksIam() {
        f.iam.createUser(root(ACCOUNT), "bob");
        IdentityDirectory directory = new IdentityDirectory(f.services, f.clock, Duration.ZERO);

        assertTrue(directory.exists("arn:aws:iam::" + ACCOUNT + ":user/bob"));
        assertTrue(directory.exists(ACCOUNT));
        assertFalse(directory.exists("arn:aws:iam::" + ACCOUNT + ":user/carol"));
    }
}
