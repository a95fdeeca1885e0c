package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyCommandsTest extends CliTestBase {
    private static final String DESCRIBE_ONLY = """
            {"Version": "2012-10-17", "Statement": [{"Sid": "ReadOnly", "Effect": "Allow",
              "Principal": {"AWS": "arn:aws:iam::%s:root"}, "Action": ["kms:Describe*", "kms:Get*"], "Resource": "*"}]}
            """.formatted(CliFixture.ACCOUNT);

    @Test
    void getKeyPolicy_ofANewKey_isTheDefaultPolicy() {
        String keyId = kms.createKey();
        JsonNode got = kms.ok("get-key-policy", "--key-id", keyId, "--policy-name", "default");
        assertEquals("default", got.get("PolicyName").asText());
        assertTrue(got.get("Policy").asText().contains("\"Sid\" : \"Enable IAM User Permissions\""), got.toString());
        assertEquals("default", kms.ok("list-key-policies", "--key-id", keyId).get("PolicyNames").get(0).asText());
    }

    @Test
    void putKeyPolicy_thatLocksTheCallerOut_isRefusedUnlessBypassed_andThenEnforced() throws Exception {
        String keyId = kms.createKey();
        var file = home.resolve("describe-only.json");
        Files.writeString(file, DESCRIBE_ONLY);

        kms.run("put-key-policy", "--key-id", keyId, "--policy", "file://" + file)
                .assertServiceError("MalformedPolicyDocumentException");
        kms.ok("put-key-policy", "--key-id", keyId, "--policy", "file://" + file, "--bypass-policy-lockout-safety-check");

        kms.ok("describe-key", "--key-id", keyId);
        kms.run("disable-key", "--key-id", keyId).assertServiceError("AccessDeniedException");
        assertEquals("Enabled", kms.ok("describe-key", "--key-id", keyId).get("KeyMetadata").get("KeyState").asText());
    }

    @Test
    void putKeyPolicy_withUnknownPrincipalOrBadDocument_isMalformed() {
        String keyId = kms.createKey();
        kms.run("put-key-policy", "--key-id", keyId, "--bypass-policy-lockout-safety-check",
                "--policy", DESCRIBE_ONLY.replace(":root", ":user/ghost")).assertServiceError("MalformedPolicyDocumentException");
        kms.run("put-key-policy", "--key-id", keyId, "--policy", "{\"Version\": \"2012-10-17\"}")
                .assertServiceError("MalformedPolicyDocumentException");
    }
}
