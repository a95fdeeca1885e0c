package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An integrated service on a real token and SQLite file: the service principal backup.us-east-1.kms.local with
 * its own access key calls on alice's behalf (both credentials presented), which creates and uses the
 * service-managed key alias/aws/backup; alice alone, the service alone and wrong credentials are refused, and
 * the key cannot be managed by customers. Alice's identity policy allows kms:*, as AWS users of
 * service-managed keys usually have; the key's fixed policy still decides.
 */
class IntegratedServiceCommandsTest extends CliTestBase {
    private static final String BACKUP = "backup.us-east-1.kms.local";
    private static final String ALIAS = "alias/aws/backup";
    private static final String ALICE_ARN = "arn:aws:iam::" + CliFixture.ACCOUNT + ":user/alice";
    private static final String ALLOW_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";
    private static final String PLAINTEXT_B64 = "YmFja3VwIG9mIGFsaWNlJ3MgZGF0YQ==";

    private final List<String> secrets = new ArrayList<>();
    private String aliceKeyId;
    private String aliceSecret;
    private String serviceKeyId;
    private String serviceSecret;

    @BeforeEach
    void createTheServiceAndAlice() {
        JsonNode service = kms.ok("iam", "create-service-principal", "--service-name", BACKUP).get("ServicePrincipal");
        assertEquals(BACKUP, service.get("ServiceName").asText());
        JsonNode serviceKey = kms.ok("iam", "create-access-key", "--service-name", BACKUP).get("AccessKey");
        assertEquals(BACKUP, serviceKey.get("ServiceName").asText());
        serviceKeyId = serviceKey.get("AccessKeyId").asText();
        serviceSecret = serviceKey.get("SecretAccessKey").asText();
        kms.ok("iam", "create-user", "--user-name", "alice");
        kms.ok("iam", "put-user-policy", "--user-name", "alice", "--policy-name", "all", "--policy-document", ALLOW_ALL);
        JsonNode aliceKey = kms.ok("iam", "create-access-key", "--user-name", "alice").get("AccessKey");
        aliceKeyId = aliceKey.get("AccessKeyId").asText();
        aliceSecret = aliceKey.get("SecretAccessKey").asText();
        secrets.add(serviceSecret);
        secrets.add(aliceSecret);
    }

    @AfterEach
    void noSecretInTheAuditTrail() {
        String trail = kms.auditTrailText();
        for (String secret : secrets) {
            assertFalse(trail.contains(secret), "a secret in the audit trail");
        }
    }

    private void asRoot() {
        kms.env.remove(Credentials.ACCESS_KEY_ID);
        kms.env.remove(Credentials.SECRET_ACCESS_KEY);
        kms.env.remove(Credentials.SERVICE_ACCESS_KEY_ID);
        kms.env.remove(Credentials.SERVICE_SECRET_ACCESS_KEY);
    }

    private void asAlice() {
        asRoot();
        callerKey(aliceKeyId, aliceSecret);
    }

    private void asAliceThroughBackup() {
        asAlice();
        serviceKey(serviceKeyId, serviceSecret);
    }

    /** The access key the calls are signed with. */
    private void callerKey(String accessKeyId, String secretAccessKey) {
        kms.env.put(Credentials.ACCESS_KEY_ID, accessKeyId);
        kms.env.put(Credentials.SECRET_ACCESS_KEY, secretAccessKey);
    }

    /** The access key of the integrated service the calls go through, on the caller's behalf. */
    private void serviceKey(String accessKeyId, String secretAccessKey) {
        kms.env.put(Credentials.SERVICE_ACCESS_KEY_ID, accessKeyId);
        kms.env.put(Credentials.SERVICE_SECRET_ACCESS_KEY, secretAccessKey);
    }

    private String encryptThroughBackup() {
        asAliceThroughBackup();
        return kms.ok("encrypt", "--key-id", ALIAS, "--plaintext", PLAINTEXT_B64).get("CiphertextBlob").asText();
    }

    private String managedKeyId() {
        asRoot();
        return kms.ok("describe-key", "--key-id", ALIAS).at("/KeyMetadata/KeyId").asText();
    }

    @Test
    void firstCallThroughTheService_createsTheServiceManagedKey_andEncryptDecryptWorkThroughIt() {
        asAliceThroughBackup();
        JsonNode encrypted = kms.ok("encrypt", "--key-id", ALIAS, "--plaintext", PLAINTEXT_B64);
        String blob = encrypted.get("CiphertextBlob").asText();

        JsonNode decrypted = kms.ok("decrypt", "--ciphertext-blob", blob);
        assertEquals(PLAINTEXT_B64, decrypted.get("Plaintext").asText());
        assertEquals(encrypted.get("KeyId").asText(), decrypted.get("KeyId").asText());

        asRoot();
        JsonNode metadata = kms.ok("describe-key", "--key-id", ALIAS).get("KeyMetadata");
        assertEquals("AWS", metadata.get("KeyManager").asText());
        assertEquals("Enabled", metadata.get("KeyState").asText());
        assertEquals(encrypted.get("KeyId").asText(), metadata.get("Arn").asText());
        String keyId = metadata.get("KeyId").asText();
        JsonNode aliases = kms.ok("list-aliases", "--query", "Aliases[?AliasName=='" + ALIAS + "']");
        assertEquals(1, aliases.size(), aliases.toString());
        assertEquals(keyId, aliases.get(0).get("TargetKeyId").asText());
        JsonNode rotation = kms.ok("get-key-rotation-status", "--key-id", keyId);
        assertTrue(rotation.get("KeyRotationEnabled").asBoolean(), rotation.toString());
        assertEquals(365, rotation.get("RotationPeriodInDays").asInt(), rotation.toString());
    }

    @Test
    void secondCallThroughTheService_reusesTheSameKey() {
        encryptThroughBackup();
        String first = managedKeyId();
        encryptThroughBackup();

        assertEquals(first, managedKeyId());
        asRoot();
        assertEquals(1, kms.ok("list-keys").get("Keys").size());
    }

    @Test
    void aliceDirectly_isDeniedByTheFixedPolicy_despiteHerIdentityPolicy() {
        String blob = encryptThroughBackup();

        asAlice();
        CliFixture.Result encrypt = kms.run("encrypt", "--key-id", ALIAS, "--plaintext", PLAINTEXT_B64)
                .assertServiceError("AccessDeniedException");
        assertTrue(encrypt.err().contains("User: " + ALICE_ARN + " is not authorized to perform: kms:Encrypt"),
                encrypt.err());
        kms.run("decrypt", "--ciphertext-blob", blob).assertServiceError("AccessDeniedException");
    }

    @Test
    void aliceDirectly_beforeFirstUse_createsNoKey() {
        asAlice();
        kms.run("encrypt", "--key-id", ALIAS, "--plaintext", PLAINTEXT_B64).assertServiceError("NotFoundException");
        asRoot();
        assertEquals(0, kms.ok("list-keys").get("Keys").size());
    }

    @Test
    void theServiceAlone_cannotUseTheKey() {
        encryptThroughBackup();

        asRoot();
        callerKey(serviceKeyId, serviceSecret);
        CliFixture.Result alone = kms.run("encrypt", "--key-id", ALIAS, "--plaintext", PLAINTEXT_B64)
                .assertServiceError("AccessDeniedException");
        assertTrue(alone.err().contains(BACKUP + " is not authorized to perform: kms:Encrypt"), alone.err());

        serviceKey(serviceKeyId, serviceSecret);
        CliFixture.Result forItself = kms.run("encrypt", "--key-id", ALIAS, "--plaintext", PLAINTEXT_B64)
                .assertServiceError("AccessDeniedException");
        assertTrue(forItself.err().contains("only on behalf of"), forItself.err());
    }

    @Test
    void serviceCredentials_withoutACaller_areRefusedWithAClearError() {
        asRoot();
        serviceKey(serviceKeyId, serviceSecret);

        CliFixture.Result result = kms.run("encrypt", "--key-id", ALIAS, "--plaintext", PLAINTEXT_B64);
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("An integrated service calls on a user's behalf"), result.err());
    }

    @Test
    void aUsersKeyAsTheServiceCredentials_isRefused() {
        asAlice();
        serviceKey(aliceKeyId, aliceSecret);

        CliFixture.Result result = kms.run("encrypt", "--key-id", ALIAS, "--plaintext", PLAINTEXT_B64)
                .assertServiceError("AccessDeniedException");
        assertTrue(result.err().contains("not a service principal"), result.err());
        asRoot();
        assertEquals(0, kms.ok("list-keys").get("Keys").size());
    }

    @Test
    void wrongServiceSecret_isRefused_andAudited() {
        asAliceThroughBackup();
        kms.env.put(Credentials.SERVICE_SECRET_ACCESS_KEY,
                (serviceSecret.charAt(0) == 'A' ? "B" : "A") + serviceSecret.substring(1));
        secrets.add(kms.env.get(Credentials.SERVICE_SECRET_ACCESS_KEY));

        CliFixture.Result result = kms.run("encrypt", "--key-id", ALIAS, "--plaintext", PLAINTEXT_B64)
                .assertServiceError("AccessDeniedException");
        assertTrue(result.err().contains("signature we calculated does not match"), result.err());

        JsonNode event = kms.lastAuditEvent();
        assertEquals("Encrypt", event.get("eventName").asText());
        assertEquals("AccessDeniedException", event.get("errorCode").asText());
        assertEquals("Unknown", event.at("/userIdentity/type").asText());
        assertEquals(serviceKeyId, event.at("/userIdentity/accessKeyId").asText());
        asRoot();
        assertEquals(0, kms.ok("list-keys").get("Keys").size());
    }

    @Test
    void unknownCallerKey_isRefused_withOneEventNamingOnlyTheKeyId() {
        asRoot();
        callerKey("AKIAAAAAAAAAAAAAAAAA", "s".repeat(40));
        secrets.add("s".repeat(40));
        int before = kms.auditEvents().size();

        kms.run("list-keys").assertServiceError("AccessDeniedException");

        List<JsonNode> events = kms.auditEvents();
        assertEquals(before + 1, events.size());
        JsonNode event = events.get(events.size() - 1);
        assertEquals("ListKeys", event.get("eventName").asText());
        assertEquals("AccessDeniedException", event.get("errorCode").asText());
        assertEquals("The security token included in the request is invalid.", event.get("errorMessage").asText());
        assertEquals(List.of("type", "accessKeyId"), IamCommandsTest.names(event.get("userIdentity")));
        assertEquals("AKIAAAAAAAAAAAAAAAAA", event.at("/userIdentity/accessKeyId").asText());
    }

    @Test
    void aCallThroughTheService_isAuditedAsTheUsers_invokedByTheService() {
        encryptThroughBackup();

        JsonNode event = kms.lastAuditEvent();
        assertEquals("Encrypt", event.get("eventName").asText());
        assertEquals("IAMUser", event.at("/userIdentity/type").asText());
        assertEquals(ALICE_ARN, event.at("/userIdentity/arn").asText());
        assertEquals(aliceKeyId, event.at("/userIdentity/accessKeyId").asText());
        assertEquals(BACKUP, event.at("/userIdentity/invokedBy").asText());
        asAlice();
        kms.run("encrypt", "--key-id", ALIAS, "--plaintext", PLAINTEXT_B64).assertServiceError("AccessDeniedException");
        assertTrue(kms.lastAuditEvent().at("/userIdentity/invokedBy").isMissingNode(), "a direct call is not invoked by a service");
        asRoot();
        kms.ok("audit", "verify");
    }

    @Test
    void customers_cannotManageTheServiceManagedKey() {
        encryptThroughBackup();
        String keyId = managedKeyId();

        for (Runnable as : List.<Runnable>of(this::asRoot, this::asAlice)) {
            as.run();
            assertTrue(kms.run("disable-key", "--key-id", keyId).assertServiceError("UnsupportedOperationException")
                    .err().contains("AWS managed key"));
            kms.run("schedule-key-deletion", "--key-id", keyId, "--pending-window-in-days", "7")
                    .assertServiceError("UnsupportedOperationException");
            kms.run("put-key-policy", "--key-id", keyId, "--policy", ALLOW_ALL.replace("\"Action\"",
                    "\"Principal\":{\"AWS\":\"*\"},\"Action\"")).assertServiceError("UnsupportedOperationException");
            kms.run("disable-key-rotation", "--key-id", keyId).assertServiceError("UnsupportedOperationException");
            String customerKey = kms.ok("create-key").at("/KeyMetadata/KeyId").asText();
            kms.run("create-alias", "--alias-name", ALIAS, "--target-key-id", customerKey)
                    .assertServiceError("InvalidAliasNameException");
            kms.run("update-alias", "--alias-name", ALIAS, "--target-key-id", customerKey)
                    .assertServiceError("InvalidAliasNameException");
            kms.run("delete-alias", "--alias-name", ALIAS).assertServiceError("InvalidAliasNameException");
            kms.run("create-alias", "--alias-name", "alias/mine", "--target-key-id", keyId)
                    .assertServiceError("UnsupportedOperationException");
        }
        asRoot();
        JsonNode metadata = kms.ok("describe-key", "--key-id", ALIAS).get("KeyMetadata");
        assertEquals("Enabled", metadata.get("KeyState").asText());
        assertEquals(keyId, metadata.get("KeyId").asText());
    }

    @Test
    void servicePrincipals_listDeleteAndTheirKeys() {
        JsonNode listed = kms.ok("iam", "list-service-principals").get("ServicePrincipals");
        assertEquals(1, listed.size());
        assertEquals(BACKUP, listed.get(0).get("ServiceName").asText());
        assertTrue(listed.get(0).get("ServicePrincipalId").asText().startsWith("AIDS"), listed.toString());
        JsonNode keys = kms.ok("iam", "list-access-keys", "--service-name", BACKUP).get("AccessKeyMetadata");
        assertEquals(List.of("ServiceName", "AccessKeyId", "Status", "CreateDate"), IamCommandsTest.names(keys.get(0)));
        assertEquals(serviceKeyId, keys.get(0).get("AccessKeyId").asText());

        kms.run("iam", "delete-service-principal", "--service-name", BACKUP).assertServiceError("DeleteConflictException");
        kms.ok("iam", "delete-access-key", "--service-name", BACKUP, "--access-key-id", serviceKeyId);
        kms.ok("iam", "delete-service-principal", "--service-name", BACKUP);
        assertEquals(0, kms.ok("iam", "list-service-principals").get("ServicePrincipals").size());

        asAliceThroughBackup();
        kms.run("encrypt", "--key-id", ALIAS, "--plaintext", PLAINTEXT_B64).assertServiceError("AccessDeniedException");
    }

    @Test
    void servicePrincipals_areTheDeploymentRootsToManage_andNamesAreChecked() {
        asAlice();
        CliFixture.Result denied = kms.run("iam", "create-service-principal", "--service-name", "archive.kms.local")
                .assertServiceError("AccessDeniedException");
        assertTrue(denied.err().contains("iam:CreateServicePrincipal"), denied.err());
        kms.run("iam", "create-access-key", "--service-name", BACKUP).assertServiceError("AccessDeniedException");

        asRoot();
        kms.run("iam", "create-service-principal", "--service-name", "Backup").assertServiceError("ValidationException");
        kms.run("iam", "create-service-principal", "--service-name", BACKUP).assertServiceError("AlreadyExistsException");
        kms.run("iam", "create-access-key", "--user-name", "alice", "--service-name", BACKUP)
                .assertUsageError("mutually exclusive");
    }

    @Test
    void serviceProfile_fromTheSharedCredentialsFile_callsThroughTheService() throws IOException {
        Path credentials = home.resolve("aws-credentials");
        Files.writeString(credentials, "[alice]\naws_access_key_id = " + aliceKeyId + "\naws_secret_access_key = "
                + aliceSecret + "\n\n[backup]\naws_access_key_id = " + serviceKeyId + "\naws_secret_access_key = "
                + serviceSecret + "\n");
        asRoot();
        kms.env.put("AWS_SHARED_CREDENTIALS_FILE", credentials.toString());

        String blob = kms.ok("--profile", "alice", "--service-profile", "backup", "encrypt", "--key-id", ALIAS,
                "--plaintext", PLAINTEXT_B64).get("CiphertextBlob").asText();
        assertEquals(PLAINTEXT_B64, kms.ok("--profile", "alice", "--service-profile", "backup", "decrypt",
                "--ciphertext-blob", blob).get("Plaintext").asText());
        kms.run("--profile", "alice", "decrypt", "--ciphertext-blob", blob).assertServiceError("AccessDeniedException");
    }
}
