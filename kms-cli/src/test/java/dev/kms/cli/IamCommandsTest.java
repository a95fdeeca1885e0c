package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kms iam, sts and account on a real token and SQLite file, and the CLI acting as the principal of the
 * credentials it is given: environment variables, a profile, or none (the local operator, as the root).
 */
class IamCommandsTest extends CliTestBase {
    private static final String ACCOUNT = CliFixture.ACCOUNT;
    private static final String ALICE_ARN = "arn:aws:iam::" + ACCOUNT + ":user/alice";
    private static final String ALLOW_ENCRYPT = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Enc\","
            + "\"Effect\":\"Allow\",\"Action\":[\"kms:Encrypt\",\"kms:DescribeKey\"],\"Resource\":\"*\"}]}";

    /** Every secret a test was shown; none may appear anywhere but the output that showed it. */
    private final List<String> secrets = new ArrayList<>();

    @Test
    void createUser_printsTheUserAsAwsIamDoes() {
        JsonNode user = kms.ok("iam", "create-user", "--user-name", "alice").get("User");

        assertEquals("/", user.get("Path").asText());
        assertEquals("alice", user.get("UserName").asText());
        assertTrue(user.get("UserId").asText().startsWith("AIDA"), user.toString());
        assertEquals(ALICE_ARN, user.get("Arn").asText());
        assertTrue(user.get("CreateDate").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+00:00"), user.toString());
        assertEquals(ALICE_ARN, kms.ok("iam", "get-user", "--user-name", "alice").at("/User/Arn").asText());
        assertEquals("alice", kms.ok("iam", "list-users", "--query", "Users[0]").get("UserName").asText());
    }

    @Test
    void createAccessKey_showsTheSecretOnce_listShowsMetadataOnly() {
        kms.ok("iam", "create-user", "--user-name", "alice");
        JsonNode key = kms.ok("iam", "create-access-key", "--user-name", "alice").get("AccessKey");
        secrets.add(key.get("SecretAccessKey").asText());

        assertEquals(List.of("UserName", "AccessKeyId", "Status", "SecretAccessKey", "CreateDate"), names(key));
        assertTrue(key.get("AccessKeyId").asText().matches("AKIA[A-Z0-9]{16}"), key.toString());
        assertEquals(40, key.get("SecretAccessKey").asText().length());
        assertEquals("Active", key.get("Status").asText());
        JsonNode listed = kms.ok("iam", "list-access-keys", "--user-name", "alice").get("AccessKeyMetadata").get(0);
        assertEquals(List.of("UserName", "AccessKeyId", "Status", "CreateDate"), names(listed));
    }

    @Test
    void envCredentials_allowWhatTheUserPolicyAllows_andDenyTheRest() {
        String keyId = kms.createKey();
        aliceWithPolicy(ALLOW_ENCRYPT);

        String blob = kms.ok("encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=").get("CiphertextBlob").asText();
        CliFixture.Result denied = kms.run("decrypt", "--ciphertext-blob", blob).assertServiceError("AccessDeniedException");

        assertTrue(denied.err().contains("User: " + ALICE_ARN + " is not authorized to perform: kms:Decrypt"), denied.err());
    }

    @Test
    void envCredentials_ofAUser_cannotManageIdentities() {
        aliceWithPolicy(ALLOW_ENCRYPT);

        CliFixture.Result denied = kms.run("iam", "create-user", "--user-name", "mallory").assertServiceError("AccessDeniedException");
        assertTrue(denied.err().contains(ALICE_ARN + " is not authorized to perform: iam:CreateUser"), denied.err());
        kms.run("account", "list").assertServiceError("AccessDeniedException");
    }

    @Test
    void wrongSecret_isRefused() {
        String keyId = kms.createKey();
        aliceWithPolicy(ALLOW_ENCRYPT);
        String secret = kms.env.get(Credentials.SECRET_ACCESS_KEY);
        kms.env.put(Credentials.SECRET_ACCESS_KEY, (secret.charAt(0) == 'A' ? "B" : "A") + secret.substring(1));

        CliFixture.Result refused = kms.run("encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=")
                .assertServiceError("AccessDeniedException");
        assertTrue(refused.err().contains("signature we calculated does not match"), refused.err());
    }

    @Test
    void unknownAccessKey_isRefused() {
        kms.env.put(Credentials.ACCESS_KEY_ID, "AKIAAAAAAAAAAAAAAAAA");
        kms.env.put(Credentials.SECRET_ACCESS_KEY, "x".repeat(40));

        CliFixture.Result refused = kms.run("list-keys").assertServiceError("AccessDeniedException");
        assertTrue(refused.err().contains("The security token included in the request is invalid"), refused.err());
    }

    @Test
    void partialEnvCredentials_areAnError() {
        kms.env.put(Credentials.ACCESS_KEY_ID, "AKIAAAAAAAAAAAAAAAAA");

        CliFixture.Result result = kms.run("list-keys");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY"), result.err());
    }

    @Test
    void deactivatedKey_isRefused() {
        String keyId = kms.createKey();
        String accessKeyId = aliceWithPolicy(ALLOW_ENCRYPT);
        kms.ok("encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=");

        asRoot(() -> kms.ok("iam", "update-access-key", "--user-name", "alice", "--access-key-id", accessKeyId,
                "--status", "Inactive"));
        kms.run("encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=").assertServiceError("AccessDeniedException");
    }

    @Test
    void profile_fromTheSharedCredentialsFile_actsAsItsUser() throws IOException {
        String keyId = kms.createKey();
        aliceWithPolicy(ALLOW_ENCRYPT);
        Path credentials = home.resolve("aws-credentials");
        Files.writeString(credentials, "[default]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\n\n[alice]\n"
                + "aws_access_key_id = " + kms.env.remove(Credentials.ACCESS_KEY_ID) + "\n"
                + "aws_secret_access_key = " + kms.env.remove(Credentials.SECRET_ACCESS_KEY) + "\n");
        kms.env.put(Profiles.CREDENTIALS_FILE, credentials.toString());
        kms.env.put(Profiles.CONFIG_FILE, home.resolve("absent-config").toString());

        kms.ok("--profile", "alice", "encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=");
        CliFixture.Result denied = kms.run("--profile", "alice", "disable-key", "--key-id", keyId)
                .assertServiceError("AccessDeniedException");
        assertTrue(denied.err().contains(ALICE_ARN), denied.err());
        kms.env.put(Credentials.PROFILE, "alice");
        kms.ok("encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=");
    }

    @Test
    void profile_fromTheConfigFile_isFound() throws IOException {
        String keyId = kms.createKey();
        aliceWithPolicy(ALLOW_ENCRYPT);
        Path config = home.resolve("aws-config");
        Files.writeString(config, "[profile alice]\nregion = us-east-1\naws_access_key_id=" + kms.env.remove(Credentials.ACCESS_KEY_ID)
                + "\naws_secret_access_key=" + kms.env.remove(Credentials.SECRET_ACCESS_KEY) + "\n");
        kms.env.put(Profiles.CREDENTIALS_FILE, home.resolve("absent-credentials").toString());
        kms.env.put(Profiles.CONFIG_FILE, config.toString());

        kms.ok("--profile", "alice", "encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=");
    }

    @Test
    void missingProfile_isAnError() {
        kms.env.put(Profiles.CREDENTIALS_FILE, home.resolve("absent-credentials").toString());
        kms.env.put(Profiles.CONFIG_FILE, home.resolve("absent-config").toString());

        CliFixture.Result result = kms.run("--profile", "nobody", "list-keys");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("The config profile (nobody) could not be found"), result.err());
    }

    @Test
    void userPolicies_putGetListDelete() throws IOException {
        kms.ok("iam", "create-user", "--user-name", "alice");
        Path policy = home.resolve("p.json");
        Files.writeString(policy, ALLOW_ENCRYPT);
        kms.ok("iam", "put-user-policy", "--user-name", "alice", "--policy-name", "p", "--policy-document", "file://" + policy);

        JsonNode got = kms.ok("iam", "get-user-policy", "--user-name", "alice", "--policy-name", "p");
        assertEquals("alice", got.get("UserName").asText());
        assertEquals("Enc", got.at("/PolicyDocument/Statement/0/Sid").asText(), "the document as JSON, not a string");
        assertEquals("[\"p\"]", kms.ok("iam", "list-user-policies", "--user-name", "alice").get("PolicyNames").toString());
        kms.run("iam", "delete-user", "--user-name", "alice").assertServiceError("DeleteConflictException");
        kms.ok("iam", "delete-user-policy", "--user-name", "alice", "--policy-name", "p");
        kms.ok("iam", "delete-user", "--user-name", "alice");
        kms.run("iam", "get-user", "--user-name", "alice").assertServiceError("NotFoundException");
    }

    @Test
    void badPolicyDocument_isMalformed() {
        kms.ok("iam", "create-user", "--user-name", "alice");

        CliFixture.Result result = kms.run("iam", "put-user-policy", "--user-name", "alice", "--policy-name", "p",
                "--policy-document", "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}")
                .assertServiceError("MalformedPolicyDocumentException");
        assertTrue(result.err().contains("Statement[0].Action"), result.err());
    }

    @Test
    void roles_createGetListPoliciesDelete() {
        JsonNode role = kms.ok("iam", "create-role", "--role-name", "ops", "--assume-role-policy-document",
                trust("arn:aws:iam::" + ACCOUNT + ":root"), "--max-session-duration", "7200").get("Role");
        assertEquals("arn:aws:iam::" + ACCOUNT + ":role/ops", role.get("Arn").asText());
        assertEquals(7200, role.get("MaxSessionDuration").asInt());
        assertEquals("sts:AssumeRole", role.at("/AssumeRolePolicyDocument/Statement/0/Action").asText());
        kms.ok("iam", "put-role-policy", "--role-name", "ops", "--policy-name", "enc", "--policy-document", ALLOW_ENCRYPT);

        assertEquals("ops", kms.ok("iam", "get-role", "--role-name", "ops").at("/Role/RoleName").asText());
        assertEquals("ops", kms.ok("iam", "list-roles").at("/Roles/0/RoleName").asText());
        assertEquals("enc", kms.ok("iam", "get-role-policy", "--role-name", "ops", "--policy-name", "enc").get("PolicyName").asText());
        assertEquals("[\"enc\"]", kms.ok("iam", "list-role-policies", "--role-name", "ops").get("PolicyNames").toString());
        kms.ok("iam", "delete-role-policy", "--role-name", "ops", "--policy-name", "enc");
        kms.ok("iam", "delete-role", "--role-name", "ops");
        kms.run("iam", "get-role", "--role-name", "ops").assertServiceError("NotFoundException");
    }

    @Test
    void assumeRole_yieldsWorkingTemporaryCredentials_ofTheSession() {
        String keyId = kms.createKey();
        aliceWithPolicy(ALLOW_ENCRYPT);
        asRoot(() -> {
            kms.ok("iam", "create-role", "--role-name", "ops", "--assume-role-policy-document", trust(ALICE_ARN));
            kms.ok("iam", "put-role-policy", "--role-name", "ops", "--policy-name", "enc", "--policy-document", ALLOW_ENCRYPT);
        });

        JsonNode assumed = kms.ok("sts", "assume-role", "--role-arn", "arn:aws:iam::" + ACCOUNT + ":role/ops",
                "--role-session-name", "s1", "--duration-seconds", "900");
        JsonNode credentials = assumed.get("Credentials");
        assertEquals(List.of("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"), names(credentials));
        assertEquals(List.of("AssumedRoleId", "Arn"), names(assumed.get("AssumedRoleUser")));
        String sessionArn = "arn:aws:sts::" + ACCOUNT + ":assumed-role/ops/s1";
        assertEquals(sessionArn, assumed.at("/AssumedRoleUser/Arn").asText());
        assertTrue(credentials.get("AccessKeyId").asText().startsWith("ASIA"), credentials.toString());
        secrets.add(credentials.get("SecretAccessKey").asText());
        secrets.add(credentials.get("SessionToken").asText());

        kms.env.put(Credentials.ACCESS_KEY_ID, credentials.get("AccessKeyId").asText());
        kms.env.put(Credentials.SECRET_ACCESS_KEY, credentials.get("SecretAccessKey").asText());
        kms.env.put(Credentials.SESSION_TOKEN, credentials.get("SessionToken").asText());
        String blob = kms.ok("encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=").get("CiphertextBlob").asText();
        CliFixture.Result denied = kms.run("decrypt", "--ciphertext-blob", blob).assertServiceError("AccessDeniedException");
        assertTrue(denied.err().contains("User: " + sessionArn + " is not authorized to perform: kms:Decrypt"), denied.err());

        kms.env.remove(Credentials.SESSION_TOKEN);
        kms.run("encrypt", "--key-id", keyId, "--plaintext", "aGVsbG8=").assertServiceError("AccessDeniedException");
    }

    @Test
    void assumeRole_notTrusted_isDenied() {
        kms.ok("iam", "create-role", "--role-name", "ops", "--assume-role-policy-document",
                trust("arn:aws:iam::" + ACCOUNT + ":root"));
        aliceWithPolicy(ALLOW_ENCRYPT);

        CliFixture.Result denied = kms.run("sts", "assume-role", "--role-arn", "arn:aws:iam::" + ACCOUNT + ":role/ops",
                "--role-session-name", "s1").assertServiceError("AccessDeniedException");
        assertTrue(denied.err().contains(ALICE_ARN + " is not authorized to perform: sts:AssumeRole"), denied.err());
    }

    @Test
    void assumeRole_byDelegation_needsAnIdentityPolicyAllowingAssumeRole() {
        kms.ok("iam", "create-role", "--role-name", "ops", "--assume-role-policy-document", trust(ACCOUNT));
        aliceWithPolicy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\","
                + "\"Resource\":\"arn:aws:iam::" + ACCOUNT + ":role/ops\"}]}");

        JsonNode assumed = kms.ok("sts", "assume-role", "--role-arn", "arn:aws:iam::" + ACCOUNT + ":role/ops",
                "--role-session-name", "s1");
        secrets.add(assumed.at("/Credentials/SecretAccessKey").asText());
        secrets.add(assumed.at("/Credentials/SessionToken").asText());
    }

    @Test
    void accounts_createAndList_byTheRoot() {
        JsonNode account = kms.ok("account", "create").get("Account");
        assertTrue(account.get("Id").asText().matches("\\d{12}"), account.toString());
        assertEquals("arn:aws:iam::" + account.get("Id").asText() + ":root", account.get("Arn").asText());

        JsonNode ids = kms.ok("account", "list", "--query", "Accounts[].Id");
        assertEquals(2, ids.size());
        assertTrue(ids.toString().contains(ACCOUNT) && ids.toString().contains(account.get("Id").asText()), ids.toString());
    }

    @Test
    void textOutputAndQuery_workForIamCommands() {
        kms.ok("iam", "create-user", "--user-name", "alice");
        kms.ok("iam", "create-user", "--user-name", "bob");

        CliFixture.Result result = kms.run("iam", "list-users", "--query", "Users[].UserName", "--output", "text");
        assertEquals("alice\tbob\n", result.out(), result.err());
    }

    @AfterEach
    void secretsAppearOnlyWhereTheyWereShown() throws IOException {
        List<String> all = new ArrayList<>(secrets);
        for (CliFixture.Result result : kms.results) {
            for (String secret : all) {
                assertFalse(result.err().contains(secret), "secret on stderr");
            }
            long shownIn = all.stream().filter(result.out()::contains).count();
            assertTrue(shownIn == 0 || result.out().contains("\"SecretAccessKey\""), "secret outside its one output");
        }
        Path audit = home.resolve("audit");
        if (Files.isDirectory(audit)) {
            try (Stream<Path> files = Files.walk(audit)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String text = Files.readString(file);
                    for (String secret : all) {
                        assertFalse(text.contains(secret), "secret in audit file " + file);
                    }
                }
            }
        }
    }

    /** Creates alice with a key and {@code policy}, and makes later runs use her key from the environment. */
    private String aliceWithPolicy(String policy) {
        kms.ok("iam", "create-user", "--user-name", "alice");
        kms.ok("iam", "put-user-policy", "--user-name", "alice", "--policy-name", "p", "--policy-document", policy);
        JsonNode key = kms.ok("iam", "create-access-key", "--user-name", "alice").get("AccessKey");
        secrets.add(key.get("SecretAccessKey").asText());
        kms.env.put(Credentials.ACCESS_KEY_ID, key.get("AccessKeyId").asText());
        kms.env.put(Credentials.SECRET_ACCESS_KEY, key.get("SecretAccessKey").asText());
        return key.get("AccessKeyId").asText();
    }

    private void asRoot(Runnable work) {
        String id = kms.env.remove(Credentials.ACCESS_KEY_ID);
        String secret = kms.env.remove(Credentials.SECRET_ACCESS_KEY);
        try {
            work.run();
        } finally {
            kms.env.put(Credentials.ACCESS_KEY_ID, id);
            kms.env.put(Credentials.SECRET_ACCESS_KEY, secret);
        }
    }

    static String trust(String awsPrincipal) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
                + awsPrincipal + "\"},\"Action\":\"sts:AssumeRole\"}]}";
    }

    static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
