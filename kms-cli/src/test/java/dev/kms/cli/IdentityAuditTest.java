package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit events of kms iam, sts and account (one per call, success or failure, no secrets) and of the
 * due-check's automatic rotations and deletions, on a real token and SQLite file.
 */
class IdentityAuditTest extends CliTestBase {
    private static final String ACCOUNT = CliFixture.ACCOUNT;
    private static final String ROOT_ARN = "arn:aws:iam::" + ACCOUNT + ":root";
    private static final String ALICE_ARN = "arn:aws:iam::" + ACCOUNT + ":user/alice";
    private static final String ROLE_ARN = "arn:aws:iam::" + ACCOUNT + ":role/ops";
    private static final String ALLOW_ASSUME = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"sts:AssumeRole\",\"Resource\":\"" + ROLE_ARN + "\"}]}";

    @Test
    void iamAndStsCalls_eachLeaveOneEvent_withIdentifiersButNoSecret() throws IOException {
        JsonNode createUser = audited(1, "iam", "create-user", "--user-name", "alice");
        assertEvent(createUser, "iam.amazonaws.com", "CreateUser");
        assertEquals(ROOT_ARN, createUser.at("/userIdentity/arn").asText());
        assertEquals("alice", createUser.at("/requestParameters/userName").asText());
        assertEquals(ALICE_ARN, createUser.at("/responseElements/user/arn").asText());
        assertFalse(createUser.get("readOnly").asBoolean());

        JsonNode putPolicy = audited(1, "iam", "put-user-policy", "--user-name", "alice", "--policy-name", "p",
                "--policy-document", ALLOW_ASSUME);
        assertEvent(putPolicy, "iam.amazonaws.com", "PutUserPolicy");
        assertEquals("p", putPolicy.at("/requestParameters/policyName").asText());
        assertEquals(ALLOW_ASSUME, putPolicy.at("/requestParameters/policyDocument").asText());

        JsonNode key = kms.ok("iam", "create-access-key", "--user-name", "alice").get("AccessKey");
        String secretAccessKey = key.get("SecretAccessKey").asText();
        JsonNode createKey = kms.lastAuditEvent();
        assertEvent(createKey, "iam.amazonaws.com", "CreateAccessKey");
        assertEquals("alice", createKey.at("/requestParameters/userName").asText());
        assertEquals(List.of("userName", "accessKeyId", "status", "createDate"),
                IamCommandsTest.names(createKey.at("/responseElements/accessKey")));
        assertEquals(key.get("AccessKeyId").asText(), createKey.at("/responseElements/accessKey/accessKeyId").asText());

        JsonNode listUsers = audited(1, "iam", "list-users");
        assertEvent(listUsers, "iam.amazonaws.com", "ListUsers");
        assertTrue(listUsers.get("readOnly").asBoolean());
        assertTrue(listUsers.get("responseElements").isNull(), listUsers.toString());

        audited(1, "iam", "create-role", "--role-name", "ops", "--assume-role-policy-document",
                IamCommandsTest.trust(ACCOUNT));
        assertEvent(kms.lastAuditEvent(), "iam.amazonaws.com", "CreateRole");
        assertEquals("ops", kms.lastAuditEvent().at("/requestParameters/roleName").asText());

        kms.env.put(Credentials.ACCESS_KEY_ID, key.get("AccessKeyId").asText());
        kms.env.put(Credentials.SECRET_ACCESS_KEY, secretAccessKey);
        int before = kms.auditEvents().size();
        JsonNode assumed = kms.ok("sts", "assume-role", "--role-arn", ROLE_ARN, "--role-session-name", "s1",
                "--duration-seconds", "900");
        assertEquals(before + 1, kms.auditEvents().size());
        JsonNode assume = kms.lastAuditEvent();
        assertEvent(assume, "sts.amazonaws.com", "AssumeRole");
        assertEquals(ALICE_ARN, assume.at("/userIdentity/arn").asText());
        assertEquals(key.get("AccessKeyId").asText(), assume.at("/userIdentity/accessKeyId").asText());
        assertEquals(ROLE_ARN, assume.at("/requestParameters/roleArn").asText());
        assertEquals("s1", assume.at("/requestParameters/roleSessionName").asText());
        assertEquals(900, assume.at("/requestParameters/durationSeconds").asInt());
        assertEquals(List.of("accessKeyId", "expiration"), IamCommandsTest.names(assume.at("/responseElements/credentials")));
        assertEquals(assumed.at("/Credentials/AccessKeyId").asText(),
                assume.at("/responseElements/credentials/accessKeyId").asText());
        assertEquals(assumed.at("/AssumedRoleUser/Arn").asText(), assume.at("/responseElements/assumedRoleUser/arn").asText());

        String trail = kms.auditTrailText();
        assertFalse(trail.contains(secretAccessKey), "secret access key in the audit trail");
        assertFalse(trail.contains(assumed.at("/Credentials/SecretAccessKey").asText()), "session secret in the audit trail");
        assertFalse(trail.contains(assumed.at("/Credentials/SessionToken").asText()), "session token in the audit trail");
        kms.env.remove(Credentials.ACCESS_KEY_ID);
        kms.env.remove(Credentials.SECRET_ACCESS_KEY);
        assertTrue(kms.ok("audit", "verify").get("Intact").asBoolean());
    }

    @Test
    void nonRootCaller_refusedIdentityCalls_leaveAccessDeniedEvents() {
        kms.ok("iam", "create-user", "--user-name", "alice");
        JsonNode key = kms.ok("iam", "create-access-key", "--user-name", "alice").get("AccessKey");
        kms.env.put(Credentials.ACCESS_KEY_ID, key.get("AccessKeyId").asText());
        kms.env.put(Credentials.SECRET_ACCESS_KEY, key.get("SecretAccessKey").asText());

        int before = kms.auditEvents().size();
        kms.run("iam", "create-user", "--user-name", "mallory").assertServiceError("AccessDeniedException");
        assertEquals(before + 1, kms.auditEvents().size());
        JsonNode denied = kms.lastAuditEvent();
        assertEvent(denied, "iam.amazonaws.com", "CreateUser");
        assertEquals("AccessDeniedException", denied.get("errorCode").asText());
        assertTrue(denied.get("errorMessage").asText().contains("iam:CreateUser"), denied.toString());
        assertEquals("IAMUser", denied.at("/userIdentity/type").asText());
        assertEquals(ALICE_ARN, denied.at("/userIdentity/arn").asText());
        assertEquals("mallory", denied.at("/requestParameters/userName").asText());
        assertTrue(denied.get("responseElements").isNull());

        kms.run("account", "list").assertServiceError("AccessDeniedException");
        assertEquals(before + 2, kms.auditEvents().size());
        assertEvent(kms.lastAuditEvent(), "organizations.amazonaws.com", "ListAccounts");
        assertEquals("AccessDeniedException", kms.lastAuditEvent().get("errorCode").asText());

        kms.env.remove(Credentials.ACCESS_KEY_ID);
        kms.env.remove(Credentials.SECRET_ACCESS_KEY);
        JsonNode account = kms.ok("account", "create").get("Account");
        assertEvent(kms.lastAuditEvent(), "organizations.amazonaws.com", "CreateAccount");
        assertEquals(account.get("Id").asText(), kms.lastAuditEvent().at("/responseElements/account/id").asText());
        assertFalse(kms.auditTrailText().contains(key.get("SecretAccessKey").asText()), "secret access key in the audit trail");
    }

    @Test
    void refusedCredentials_ofAnIdentityCommand_leaveOneEventNamingOnlyTheKeyId() {
        kms.ok("iam", "create-user", "--user-name", "alice");
        JsonNode key = kms.ok("iam", "create-access-key", "--user-name", "alice").get("AccessKey");
        String wrongSecret = "w".repeat(40);
        kms.env.put(Credentials.ACCESS_KEY_ID, key.get("AccessKeyId").asText());
        kms.env.put(Credentials.SECRET_ACCESS_KEY, wrongSecret);

        int before = kms.auditEvents().size();
        kms.run("iam", "list-users").assertServiceError("AccessDeniedException");

        assertEquals(before + 1, kms.auditEvents().size());
        JsonNode refused = kms.lastAuditEvent();
        assertEvent(refused, "iam.amazonaws.com", "ListUsers");
        assertEquals("AccessDeniedException", refused.get("errorCode").asText());
        assertEquals("Unknown", refused.at("/userIdentity/type").asText());
        assertEquals(key.get("AccessKeyId").asText(), refused.at("/userIdentity/accessKeyId").asText());
        assertFalse(kms.auditTrailText().contains(wrongSecret), "refused secret in the audit trail");
        assertFalse(kms.auditTrailText().contains(key.get("SecretAccessKey").asText()), "secret access key in the audit trail");
        kms.env.remove(Credentials.ACCESS_KEY_ID);
        kms.env.remove(Credentials.SECRET_ACCESS_KEY);
    }

    @Test
    void dueCheck_automaticRotationAndDeletion_leaveServiceEvents() throws Exception {
        JsonNode rotating = kms.ok("create-key").get("KeyMetadata");
        JsonNode doomed = kms.ok("create-key").get("KeyMetadata");
        kms.ok("enable-key-rotation", "--key-id", rotating.get("KeyId").asText());
        kms.ok("schedule-key-deletion", "--key-id", doomed.get("KeyId").asText(), "--pending-window-in-days", "7");
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("metadata.db"));
             PreparedStatement rotationDue = db.prepareStatement("UPDATE keys SET next_rotation = 0 WHERE key_id = ?");
             PreparedStatement deletionDue = db.prepareStatement("UPDATE keys SET deletion_date = 0 WHERE key_id = ?")) {
            rotationDue.setString(1, rotating.get("KeyId").asText());
            assertEquals(1, rotationDue.executeUpdate());
            deletionDue.setString(1, doomed.get("KeyId").asText());
            assertEquals(1, deletionDue.executeUpdate());
        }

        int before = kms.auditEvents().size();
        kms.ok("list-keys");
        List<JsonNode> events = kms.auditEvents();
        assertEquals(before + 3, events.size(), "RotateKey, DeleteKey, then ListKeys");
        JsonNode rotate = events.get(before);
        JsonNode delete = events.get(before + 1);
        assertEquals("ListKeys", events.get(before + 2).get("eventName").asText());
        assertServiceEvent(rotate, "RotateKey", rotating.get("Arn").asText());
        assertServiceEvent(delete, "DeleteKey", doomed.get("Arn").asText());

        assertEquals(1, kms.ok("audit", "lookup-events", "--lookup-attributes",
                "AttributeKey=EventName,AttributeValue=RotateKey").get("Events").size());
        assertTrue(kms.ok("audit", "verify").get("Intact").asBoolean());
    }

    private void assertServiceEvent(JsonNode event, String eventName, String keyArn) {
        assertEquals("kms.amazonaws.com", event.get("eventSource").asText(), event.toString());
        assertEquals(eventName, event.get("eventName").asText(), event.toString());
        assertEquals("kms.amazonaws.com", event.get("userAgent").asText());
        assertEquals("AWSService", event.at("/userIdentity/type").asText(), event.toString());
        assertEquals("kms.amazonaws.com", event.at("/userIdentity/invokedBy").asText());
        assertEquals(ACCOUNT, event.at("/userIdentity/accountId").asText());
        assertFalse(event.has("errorCode"));
        assertEquals(1, event.get("resources").size());
        assertEquals(keyArn, event.at("/resources/0/ARN").asText());
        assertEquals(ACCOUNT, event.at("/resources/0/accountId").asText());
    }

    private static void assertEvent(JsonNode event, String eventSource, String eventName) {
        assertEquals(eventSource, event.get("eventSource").asText(), event.toString());
        assertEquals(eventName, event.get("eventName").asText(), event.toString());
        assertEquals("kms-cli", event.get("userAgent").asText(), event.toString());
    }

    /** Runs a command that must succeed and must add {@code count} events; returns the last. */
    private JsonNode audited(int count, String... args) {
        int before = kms.auditEvents().size();
        kms.ok(args);
        assertEquals(before + count, kms.auditEvents().size(), () -> "events of kms " + String.join(" ", args));
        return kms.lastAuditEvent();
    }
}
