package dev.kms.api;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.policy.AuthorizationRequest;
import dev.kms.core.policy.Condition;
import dev.kms.core.policy.ConditionKeys;
import dev.kms.core.policy.ConditionOperator;
import dev.kms.core.policy.Decision;
import dev.kms.core.policy.DefaultKeyPolicyAssertions;
import dev.kms.core.policy.Effect;
import dev.kms.core.policy.KeyAccess;
import dev.kms.core.policy.NamedPolicy;
import dev.kms.core.policy.Policies;
import dev.kms.core.policy.Policy;
import dev.kms.core.policy.PolicyKind;
import dev.kms.core.policy.Statement;
import dev.kms.core.port.PolicyParser;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonPolicyParserTest {
    private static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/aaaaaaaa-0000-4000-8000-000000000001";
    private static final String ALICE = "arn:aws:iam::111122223333:user/alice";
    private final PolicyParser parser = new JsonPolicyParser();

    private Policy parse(String json, PolicyKind kind) {
        return parser.parse(json.replace('\'', '"'), kind);
    }

    private String malformed(String json, PolicyKind kind) {
        KmsException e = assertThrows(KmsException.class, () -> parse(json, kind));
        assertEquals(ErrorCode.MALFORMED_POLICY_DOCUMENT, e.code());
        return e.getMessage();
    }

    private String malformed(String json) {
        return malformed(json, PolicyKind.KEY);
    }

    @Test
    void parse_defaultKeyPolicy_readsTheAwsDocument() {
        Policy policy = parser.parse(Policies.defaultKeyPolicy("aws", "111122223333"), PolicyKind.KEY);

        Statement statement = DefaultKeyPolicyAssertions.assertVersionIdAndFirstStatement(policy);
        assertEquals(List.of("arn:aws:iam::111122223333:root"), statement.principal().aws());
    }

    @Test
    void parse_jsonNumbersAndBooleansInConditions_becomeTheirText() {
        Policy policy = parse("{'Statement':{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{"
                + "'NumericLessThanEquals':{'kms:RotationPeriodInDays':[365, 1.5e2]},'Bool':{'aws:SecureTransport':true}}}}",
                PolicyKind.KEY);

        List<Condition> conditions = policy.statements().get(0).conditions();
        assertEquals(new Condition(ConditionOperator.NumericLessThanEquals, Condition.Qualifier.NONE, false,
                "kms:RotationPeriodInDays", List.of("365", "150")), conditions.get(0));
        assertEquals(List.of("true"), conditions.get(1).values());
    }

    @Test
    void parse_thenDecide_defaultPolicyDelegatesToIdentityPolicy() {
        NamedPolicy key = new NamedPolicy(KeyAccess.KEY_POLICY, parser.parse(Policies.defaultKeyPolicy("aws", "111122223333"),
                PolicyKind.KEY));
        NamedPolicy identity = new NamedPolicy("user/alice: finance", parse("{'Version':'2012-10-17','Statement':[{"
                + "'Effect':'Allow','Action':['kms:Encrypt','kms:Decrypt'],'Resource':'arn:aws:kms:*:111122223333:key/*',"
                + "'Condition':{'StringEquals':{'kms:EncryptionContext:Department':'Finance'}}}]}", PolicyKind.IDENTITY));
        AuthorizationRequest finance = AuthorizationRequest.of(ALICE, "kms:Decrypt", KEY,
                ConditionKeys.builder().encryptionContext(Map.of("Department", "Finance")).build());
        AuthorizationRequest sales = AuthorizationRequest.of(ALICE, "kms:Decrypt", KEY,
                ConditionKeys.builder().encryptionContext(Map.of("Department", "Sales")).build());

        assertEquals(Decision.Outcome.ALLOW, KeyAccess.decide(key, List.of(identity), finance).outcome());
        assertEquals(Decision.Outcome.IMPLICIT_DENY, KeyAccess.decide(key, List.of(identity), sales).outcome());
    }

    @Test
    void parse_numericConditionFromJsonNumber_evaluates() {
        NamedPolicy key = new NamedPolicy(KeyAccess.KEY_POLICY, parse("{'Statement':[{'Effect':'Allow','Principal':{'AWS':'"
                + ALICE + "'},'Action':'kms:EnableKeyRotation','Condition':{'NumericLessThanEquals':{'kms:RotationPeriodInDays':365}}}]}",
                PolicyKind.KEY));

        assertTrue(KeyAccess.decide(key, List.of(), AuthorizationRequest.of(ALICE, "kms:EnableKeyRotation", KEY,
                Map.of(ConditionKeys.ROTATION_PERIOD_IN_DAYS, List.of("365")))).allowed());
    }

    @Test
    void parse_duplicateStatementMember_isMalformedNamingTheStatement() {
        assertEquals("Statement[1]: duplicate member 'Effect'", malformed("{'Statement':[{'Effect':'Allow','Principal':'*',"
                + "'Action':'kms:*'},{'Effect':'Allow','Effect':'Deny','Principal':'*','Action':'kms:*'}]}"));
    }

    @Test
    void parse_duplicateConditionKey_isMalformedNamingTheOperator() {
        assertEquals("Statement[0].Condition.StringEquals: duplicate member 'kms:ViaService'",
                malformed("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{'StringEquals':"
                        + "{'kms:ViaService':'a','kms:ViaService':'b'}}}]}"));
    }

    @Test
    void parse_duplicateTopLevelMember_isMalformed() {
        assertEquals("Policy document: duplicate member 'Statement'", malformed("{'Statement':[],'Statement':[]}"));
    }

    @Test
    void parse_trailingComma_isMalformedWithLocation() {
        String message = malformed("{'Statement':[{'Effect':'Allow',}]}");
        assertTrue(message.startsWith("Statement[0].Effect: invalid JSON at line 1, column 33: Unexpected character ('}'"), message);
    }

    @Test
    void parse_comment_isMalformed() {
        String message = malformed("{'Statement':[{'Effect':'Allow'} /* why */]}");
        assertTrue(message.startsWith("Statement[0]: invalid JSON at line 1, column 34:"), message);
    }

    @Test
    void parse_unquotedValue_isMalformedNamingTheMember() {
        String message = malformed("{'Statement':[{'Effect': Allow}]}");
        assertTrue(message.startsWith("Statement[0].Effect: invalid JSON at line 1, column 26: Unrecognized token 'Allow'"), message);
    }

    @Test
    void parse_textAfterTheDocument_isMalformed() {
        assertEquals("Policy document: unexpected text after the document at line 1, column 67",
                malformed("{'Statement':{'Effect':'Allow','Principal':'*','Action':'kms:*'}} {}"));
    }

    @Test
    void parse_truncatedDocument_isMalformedWithoutJacksonInternals() {
        String message = malformed("{'Statement':[{'Effect':'Allow'}");
        assertEquals("Statement[0]: invalid JSON at line 1, column 33: Unexpected end-of-input: expected close marker for Array",
                message);
    }

    @Test
    void parse_notJson_isMalformed() {
        assertEquals("Policy document: invalid JSON at line 1, column 1: Unrecognized token 'Version': was expecting "
                + "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')", malformed("Version: 2012-10-17"));
    }

    @Test
    void parse_emptyDocument_isMalformed() {
        assertEquals("Policy document: is empty", malformed(""));
    }

    @Test
    void parse_over32Kb_isMalformedNamingTheLimit() {
        String big = "{'Id':'" + "x".repeat(Policy.MAX_DOCUMENT_CHARS) + "','Statement':[]}";
        assertEquals("Policy document: " + big.length() + " characters exceeds the limit of 32768 characters (32 KB)", malformed(big));
    }

    @Test
    void parse_wrongTypes_areMalformedNamingThePath() {
        assertEquals("Statement[0]: Effect must be Allow or Deny, not a boolean",
                malformed("{'Statement':[{'Effect':true,'Principal':'*','Action':'kms:*'}]}"));
        assertEquals("Statement[0].Action[1]: must be a string, not an object",
                malformed("{'Statement':[{'Effect':'Allow','Principal':'*','Action':['kms:Encrypt',{}]}]}"));
        assertEquals("Policy document: must be an object, not a list", malformed("[]"));
    }

    @Test
    void parse_unknownMembers_areMalformed() {
        assertEquals("Policy document: unknown member 'Statements'; a policy has only Version, Id and Statement",
                malformed("{'Version':'2012-10-17','Statements':[]}"));
        assertTrue(malformed("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Resources':'*'}]}")
                .startsWith("Statement[0]: unknown member 'Resources';"));
    }

    @Test
    void parse_unknownOperator_isMalformedNamingStatementAndOperator() {
        assertEquals("Statement[1].Condition.StringEqual: unknown operator 'StringEqual'",
                malformed("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*'},{'Effect':'Deny','Principal':'*',"
                        + "'Action':'kms:*','Condition':{'StringEqual':{'kms:ViaService':'x'}}}]}"));
    }

    @Test
    void parse_kindRules_apply() {
        assertEquals("Statement[0]: needs a Principal or NotPrincipal in a key policy",
                malformed("{'Statement':[{'Effect':'Allow','Action':'kms:*','Resource':'*'}]}", PolicyKind.KEY));
        assertEquals("Statement[0]: needs a Resource or NotResource",
                malformed("{'Statement':[{'Effect':'Allow','Action':'kms:*'}]}", PolicyKind.IDENTITY));
        assertEquals("Statement[0].Action: 'kms:Decrypt' is not allowed in a trust policy; use sts:AssumeRole",
                malformed("{'Statement':[{'Effect':'Allow','Principal':{'AWS':'111122223333'},'Action':'kms:Decrypt'}]}",
                        PolicyKind.TRUST));
    }
}
