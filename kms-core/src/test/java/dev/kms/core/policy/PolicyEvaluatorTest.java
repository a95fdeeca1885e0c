package dev.kms.core.policy;

import dev.kms.core.port.Concurrently;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyEvaluatorTest {
    private static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/aaaaaaaa-0000-4000-8000-000000000001";
    private static final String ALICE = "arn:aws:iam::111122223333:user/alice";

    private static PolicyEvaluation evaluate(String json, AuthorizationRequest request) {
        return PolicyEvaluator.evaluate(new NamedPolicy("p", TestJson.policy(json.replace('\'', '"'), PolicyKind.KEY)), request);
    }

    @Test
    void evaluate_reportsEachElementOfEachStatement() {
        String json = "{'Statement':[{'Sid':'Root','Effect':'Allow','Principal':{'AWS':'111122223333'},'Action':'kms:*'},"
                + "{'Effect':'Allow','Principal':{'AWS':'" + ALICE + "'},'Action':'kms:Decrypt','Resource':'" + KEY + "',"
                + "'Condition':{'StringEquals':{'kms:EncryptionContext:a':'1'},'Null':{'kms:ViaService':'true'}}}]}";
        AuthorizationRequest request = AuthorizationRequest.of(ALICE, "kms:Encrypt", KEY,
                ConditionKeys.builder().encryptionContext(Map.of("a", "2")).build());

        PolicyEvaluation evaluation = evaluate(json, request);

        StatementResult root = evaluation.statements().get(0);
        assertEquals(new StatementRef("p", 0, "Root"), root.ref());
        assertEquals(PrincipalMatch.ACCOUNT_DELEGATION, root.principal());
        assertTrue(root.applies());
        StatementResult alice = evaluation.statements().get(1);
        assertEquals(PrincipalMatch.CALLER, alice.principal());
        assertFalse(alice.actionMatched());
        assertTrue(alice.resourceMatched());
        assertEquals(List.of(false, true), alice.conditions().stream().map(StatementResult.ConditionResult::matched).toList());
        assertFalse(alice.applies());
        assertEquals(List.of(root), evaluation.applying(Effect.Allow));
    }

    @Test
    void statementRef_toString_namesPolicyIndexAndSid() {
        assertEquals("key policy Statement[0] \"Enable IAM User Permissions\"",
                new StatementRef("key policy", 0, "Enable IAM User Permissions").toString());
        assertEquals("user/alice: p Statement[2]", new StatementRef("user/alice: p", 2, null).toString());
    }

    @Test
    void wildcards_matchStarAndQuestionMark() {
        assertTrue(Wildcards.matches("*", "", false));
        assertTrue(Wildcards.matches("a*b*c", "aXXbYbc", false));
        assertTrue(Wildcards.matches("a?c", "abc", false));
        assertFalse(Wildcards.matches("a?c", "ac", false));
        assertFalse(Wildcards.matches("a*b", "aXXc", false));
        assertTrue(Wildcards.matches("KMS:enc*", "kms:Encrypt", true));
        assertFalse(Wildcards.matches("KMS:enc*", "kms:Encrypt", false));
    }

    @Test
    void ipAddress_prefixesThatAreNotByteAligned_compareBits() {
        ConditionValues.Cidr cidr = ConditionValues.cidr("192.168.4.0/22");
        assertTrue(cidr.contains("192.168.7.255"));
        assertFalse(cidr.contains("192.168.8.0"));
        assertFalse(cidr.contains("2001:db8::1"));
        assertFalse(cidr.contains("not-an-ip"));
        assertTrue(ConditionValues.cidr("0.0.0.0/0").contains("8.8.8.8"));
        assertTrue(ConditionValues.cidr("2001:db8::/127").contains("2001:db8::1"));
    }

    @Test
    void conditionHolds_negatedOperatorWithSeveralRequestValues_needsAllToDiffer() {
        Condition condition = new Condition(ConditionOperator.StringNotEquals, Condition.Qualifier.NONE, false,
                "kms:EncryptionContextKeys", List.of("secret"));
        AuthorizationRequest clean = AuthorizationRequest.of(ALICE, "kms:Encrypt", KEY,
                Map.of("kms:EncryptionContextKeys", List.of("a", "b")));
        AuthorizationRequest dirty = AuthorizationRequest.of(ALICE, "kms:Encrypt", KEY,
                Map.of("kms:EncryptionContextKeys", List.of("a", "secret")));

        assertTrue(PolicyEvaluator.conditionHolds(condition, clean));
        assertFalse(PolicyEvaluator.conditionHolds(condition, dirty));
    }

    @Test
    void conditionHolds_forAllValuesWithNegatedOperator_needsEveryValueOutsideTheSet() {
        Condition condition = new Condition(ConditionOperator.StringNotLike, Condition.Qualifier.FOR_ALL_VALUES, false,
                "kms:EncryptionContextKeys", List.of("aws:*"));
        assertTrue(PolicyEvaluator.conditionHolds(condition, AuthorizationRequest.of(ALICE, "kms:Encrypt", KEY,
                Map.of("kms:EncryptionContextKeys", List.of("a", "b")))));
        assertFalse(PolicyEvaluator.conditionHolds(condition, AuthorizationRequest.of(ALICE, "kms:Encrypt", KEY,
                Map.of("kms:EncryptionContextKeys", List.of("a", "aws:x")))));
    }

    @Test
    void authorizationRequest_of_derivesTypeAccountAndDefaultKeys() {
        AuthorizationRequest session = AuthorizationRequest.of("arn:aws:sts::111122223333:assumed-role/app/s1",
                "kms:Decrypt", KEY, Map.of("AWS:SourceIp", List.of("10.0.0.1")));

        assertEquals(PrincipalType.ASSUMED_ROLE, session.principalType());
        assertEquals("111122223333", session.principalAccount());
        assertEquals(List.of("arn:aws:iam::111122223333:role/app"), session.values("aws:PrincipalArn"));
        assertEquals(List.of("111122223333"), session.values("kms:CallerAccount"));
        assertEquals(List.of("10.0.0.1"), session.values("aws:sourceip"));
        assertEquals(PrincipalType.SERVICE, AuthorizationRequest.of("cloudtrail.amazonaws.com", "kms:Encrypt", KEY, Map.of())
                .principalType());
        assertEquals(PrincipalType.ROOT, PrincipalType.of("arn:aws:iam::111122223333:root"));
    }

    @Test
    void authorizationRequest_keyGivenTwiceInDifferentCase_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> AuthorizationRequest.of(ALICE, "kms:Encrypt", KEY,
                Map.of("kms:ViaService", List.of("a"), "KMS:VIASERVICE", List.of("b"))));
    }

    @Test
    void arns_fields_comeFromTheColonSeparatedParts() {
        assertEquals("111122223333", Arns.account(KEY));
        assertEquals("aws", Arns.partition(KEY));
        assertEquals(null, Arns.account("arn:aws:kms:us-east-1"));
        assertEquals(null, Arns.account("alias/x"));
        assertTrue(Arns.isRootArn("arn:aws:iam::111122223333:root"));
        assertFalse(Arns.isRootArn("arn:aws:sts::111122223333:root"));
        assertEquals("arn:aws:iam::111122223333:role/app", Arns.sessionRoleArn("arn:aws:sts::111122223333:assumed-role/app/s"));
        assertEquals("app", Arns.roleName("arn:aws:iam::111122223333:role/team/app"));
    }

    @Test
    void principalType_roleArn_isNotACaller() {
        assertThrows(IllegalArgumentException.class, () -> PrincipalType.of("arn:aws:iam::111122223333:role/app"));
    }

    @Test
    void evaluate_isSafeToShareAcrossThreads() throws Exception {
        Policy policy = TestJson.policy(Policies.defaultKeyPolicy("aws", "111122223333"), PolicyKind.KEY);
        NamedPolicy named = new NamedPolicy(KeyAccess.KEY_POLICY, policy);
        AuthorizationRequest root = AuthorizationRequest.of("arn:aws:iam::111122223333:root", "kms:Encrypt", KEY, Map.of());
        AuthorizationRequest other = AuthorizationRequest.of("arn:aws:iam::444455556666:root", "kms:Encrypt", KEY, Map.of());
        List<Boolean> results = Concurrently.onThreads(4, thread -> {
            for (int i = 0; i < 10_000; i++) {
                if (!KeyAccess.decide(named, List.of(), root).allowed() || KeyAccess.decide(named, List.of(), other).allowed()) {
                    return false;
                }
            }
            return true;
        });
        for (boolean result : results) {
            assertTrue(result);
        }
    }
}
