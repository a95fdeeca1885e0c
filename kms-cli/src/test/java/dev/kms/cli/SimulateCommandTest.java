package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kms iam simulate-principal-policy: aws's EvaluationResults plus which statements of which policies decided. */
class SimulateCommandTest extends CliTestBase {
    private static final String ALICE_ARN = "arn:aws:iam::" + CliFixture.ACCOUNT + ":user/alice";
    private static final String POLICY = """
            {
              "Version": "2012-10-17",
              "Statement": [
                {"Sid": "Use", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"},
                {"Sid": "NotForProd", "Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*",
                 "Condition": {"StringEquals": {"kms:EncryptionContext:stage": "prod"}}}
              ]
            }""";

    private String keyArn;

    private JsonNode simulate(String action, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("iam", "simulate-principal-policy", "--policy-source-arn",
                ALICE_ARN, "--action-names", action, "--resource-arns", keyArn));
        args.addAll(List.of(extra));
        JsonNode results = kms.ok(args.toArray(String[]::new)).get("EvaluationResults");
        assertEquals(1, results.size());
        return results.get(0);
    }

    private void setUp() {
        keyArn = kms.ok("create-key").at("/KeyMetadata/Arn").asText();
        kms.ok("iam", "create-user", "--user-name", "alice");
        kms.ok("iam", "put-user-policy", "--user-name", "alice", "--policy-name", "use", "--policy-document", POLICY);
    }

    @Test
    void allowed_namesTheKeyPolicyDelegationAndTheUserPolicy() {
        setUp();

        JsonNode result = simulate("kms:Encrypt");

        assertEquals("kms:Encrypt", result.get("EvalActionName").asText());
        assertEquals(keyArn, result.get("EvalResourceName").asText());
        assertEquals("allowed", result.get("EvalDecision").asText());
        JsonNode matched = result.get("MatchedStatements");
        assertEquals(2, matched.size(), matched.toString());
        assertEquals("default", matched.get(0).get("SourcePolicyId").asText());
        assertEquals("resource", matched.get(0).get("SourcePolicyType").asText());
        assertEquals("use", matched.get(1).get("SourcePolicyId").asText());
        assertEquals("user", matched.get(1).get("SourcePolicyType").asText());
        assertEquals(4, matched.get(1).at("/StartPosition/Line").asInt(), "the Use statement starts on line 4");
        assertEquals(5, matched.get(1).at("/StartPosition/Column").asInt());
        JsonNode explanation = result.get("Explanation");
        assertTrue(explanation.get("Reason").asText().startsWith("the key policy delegates to account "
                + CliFixture.ACCOUNT), explanation.toString());
        assertEquals(ALICE_ARN, explanation.get("Principal").asText());
        assertEquals("key policy", explanation.at("/Policies/0/Name").asText());
        assertEquals("ACCOUNT_DELEGATION", explanation.at("/Policies/0/Statements/0/PrincipalMatch").asText());
        assertTrue(explanation.at("/Policies/1/Statements/0/Decides").asBoolean());
    }

    @Test
    void implicitDeny_hasNoMatchedStatements_andSaysWhy() {
        setUp();

        JsonNode result = simulate("kms:DisableKey");

        assertEquals("implicitDeny", result.get("EvalDecision").asText());
        assertEquals(0, result.get("MatchedStatements").size());
        assertTrue(result.at("/Explanation/Reason").asText().contains("no identity policy allows"), result.toString());
    }

    @Test
    void explicitDeny_byACondition_namesTheDenyStatement() {
        setUp();

        JsonNode result = simulate("kms:Decrypt", "--context-entries",
                "ContextKeyName=kms:EncryptionContext:stage,ContextKeyValues=prod,ContextKeyType=string");

        assertEquals("explicitDeny", result.get("EvalDecision").asText());
        JsonNode matched = result.get("MatchedStatements");
        assertEquals(1, matched.size(), matched.toString());
        assertEquals("use", matched.get(0).get("SourcePolicyId").asText());
        assertEquals(5, matched.get(0).at("/StartPosition/Line").asInt());
        JsonNode condition = result.at("/Explanation/Policies/1/Statements/1/Conditions/0");
        assertEquals("StringEquals", condition.get("Operator").asText());
        assertEquals("[\"prod\"]", condition.get("RequestValues").toString());
        assertTrue(condition.get("Matched").asBoolean());
        assertTrue(result.at("/Explanation/Reason").asText().startsWith("explicitly denied by user/alice: use Statement[1]"),
                result.toString());
    }

    @Test
    void missingContextValues_listsTheKeysAConditionWanted() {
        setUp();

        JsonNode result = simulate("kms:Decrypt");

        assertEquals("allowed", result.get("EvalDecision").asText());
        assertEquals("[\"kms:EncryptionContext:stage\"]", result.get("MissingContextValues").toString());
    }

    @Test
    void severalActions_giveOneResultEach() {
        setUp();

        JsonNode results = kms.ok("iam", "simulate-principal-policy", "--policy-source-arn", ALICE_ARN,
                "--action-names", "kms:Encrypt", "kms:ScheduleKeyDeletion", "--resource-arns", keyArn,
                "--query", "EvaluationResults[].EvalDecision");
        assertEquals("[\"allowed\",\"implicitDeny\"]", results.toString());
    }

    @Test
    void onlyTheRoot_maySimulate() {
        setUp();
        kms.ok("iam", "put-user-policy", "--user-name", "alice", "--policy-name", "use", "--policy-document",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}");
        JsonNode key = kms.ok("iam", "create-access-key", "--user-name", "alice").get("AccessKey");
        kms.env.put(Credentials.ACCESS_KEY_ID, key.get("AccessKeyId").asText());
        kms.env.put(Credentials.SECRET_ACCESS_KEY, key.get("SecretAccessKey").asText());

        CliFixture.Result denied = kms.run("iam", "simulate-principal-policy", "--policy-source-arn", ALICE_ARN,
                "--action-names", "kms:Encrypt", "--resource-arns", keyArn).assertServiceError("AccessDeniedException");
        assertTrue(denied.err().contains("iam:SimulatePrincipalPolicy"), denied.err());
        assertFalse(denied.err().contains(key.get("SecretAccessKey").asText()));
    }

    @Test
    void unknownPrincipal_isNotFound() {
        setUp();

        kms.run("iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::" + CliFixture.ACCOUNT + ":user/nobody",
                "--action-names", "kms:Encrypt", "--resource-arns", keyArn).assertServiceError("NotFoundException");
    }
}
