package dev.kms.core.policy;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyAccessTest {
    private static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/aaaaaaaa-0000-4000-8000-000000000001";
    private static final String ALICE = "arn:aws:iam::111122223333:user/alice";
    private static final NamedPolicy DEFAULT = new NamedPolicy(KeyAccess.KEY_POLICY,
            TestJson.policy(Policies.defaultKeyPolicy("aws", "111122223333"), PolicyKind.KEY));

    private static NamedPolicy identity(String name, String statement) {
        return new NamedPolicy(name, TestJson.policy(("{'Version':'2012-10-17','Statement':[" + statement + "]}")
                .replace('\'', '"'), PolicyKind.IDENTITY));
    }

    private static AuthorizationRequest alice(String action) {
        return AuthorizationRequest.of(ALICE, action, KEY, Map.of());
    }

    @Test
    void decide_delegationWithIdentityAllow_namesBothStatements() {
        NamedPolicy p = identity("user/alice: UseKeys", "{'Sid':'Use','Effect':'Allow','Action':'kms:Encrypt','Resource':'*'}");

        Decision decision = KeyAccess.decide(DEFAULT, List.of(p), alice("kms:Encrypt"));

        assertEquals(Decision.Outcome.ALLOW, decision.outcome());
        assertEquals(List.of(new StatementRef("key policy", 0, "Enable IAM User Permissions"),
                new StatementRef("user/alice: UseKeys", 0, "Use")), decision.deciding());
        assertEquals("the key policy delegates to account 111122223333 (key policy Statement[0] \"Enable IAM User Permissions\")"
                + " and an identity policy allows it (user/alice: UseKeys Statement[0] \"Use\")", decision.reason());
    }

    @Test
    void decide_delegationWithoutIdentityAllow_explainsWhatIsMissing() {
        Decision decision = KeyAccess.decide(DEFAULT, List.of(), alice("kms:Encrypt"));

        assertEquals(Decision.Outcome.IMPLICIT_DENY, decision.outcome());
        assertTrue(decision.reason().startsWith("the key policy delegates to account 111122223333"), decision.reason());
        assertTrue(decision.reason().endsWith("but no identity policy allows " + ALICE + " to call kms:Encrypt on " + KEY),
                decision.reason());
    }

    @Test
    void decide_explicitDeny_namesEveryDenyingStatement() {
        NamedPolicy p = identity("user/alice: Deny", "{'Sid':'No','Effect':'Deny','Action':'kms:*','Resource':'*'},"
                + "{'Effect':'Deny','Action':'kms:Enc*','Resource':'*'}");

        Decision decision = KeyAccess.decide(DEFAULT, List.of(p), alice("kms:Encrypt"));

        assertEquals(Decision.Outcome.EXPLICIT_DENY, decision.outcome());
        assertEquals(2, decision.deciding().size());
        assertEquals("explicitly denied by user/alice: Deny Statement[0] \"No\", user/alice: Deny Statement[1]", decision.reason());
    }

    @Test
    void accessDenied_isAccessDeniedNamingCallerActionAndKeyAsNamed() {
        Decision decision = KeyAccess.decide(DEFAULT, List.of(), alice("kms:Decrypt"));

        KmsException e = KeyAccess.accessDenied(decision, alice("kms:Decrypt"), "alias/finance");

        assertEquals(ErrorCode.ACCESS_DENIED, e.code());
        assertEquals("User: " + ALICE + " is not authorized to perform: kms:Decrypt on resource: alias/finance"
                + " because no policy allows the kms:Decrypt action", e.getMessage());
    }

    @Test
    void accessDenied_explicitDenyInKeyPolicy_saysResourceBasedPolicy() {
        NamedPolicy key = new NamedPolicy(KeyAccess.KEY_POLICY, TestJson.policy(("{'Statement':[{'Effect':'Deny','Principal':'*',"
                + "'Action':'kms:*'}]}").replace('\'', '"'), PolicyKind.KEY));
        Decision decision = KeyAccess.decide(key, List.of(), alice("kms:Decrypt"));

        assertTrue(KeyAccess.accessDenied(decision, alice("kms:Decrypt"), KEY).getMessage()
                .endsWith("with an explicit deny in a resource-based policy"));
    }

    @Test
    void accessDenied_ofAnAllowedRequest_isAProgrammingError() {
        Decision decision = KeyAccess.decide(DEFAULT, List.of(), AuthorizationRequest.of("arn:aws:iam::111122223333:root",
                "kms:Encrypt", KEY, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> KeyAccess.accessDenied(decision, alice("kms:Encrypt"), KEY));
    }
}
