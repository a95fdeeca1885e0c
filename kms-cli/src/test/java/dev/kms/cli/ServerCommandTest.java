package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kms server} in-process on an ephemeral port over a real SoftHSM2 token and SQLite home, and the CLI's
 * remote mode (--endpoint-url) against it with the bootstrap administrator's credentials: the same output as
 * the local mode, the server's errors as the same stderr JSON and exit codes.
 */
class ServerCommandTest extends CliTestBase {
    static final String REGION = "us-east-1";

    InProcessServer server;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null && server.isRunning()) {
            stopServerCleanly();
        }
    }

    /** Stops the server as SIGTERM would; it must stop cleanly and say so. */
    void stopServerCleanly() throws Exception {
        server.stopCleanly();
        assertTrue(server.err.toString().contains("kms server: stopped"), server.err.toString());
    }

    Path credentialsFile() {
        return home.resolve("bootstrap-credentials");
    }

    void startServer() throws Exception {
        server = new InProcessServer(kms, "kms-server-test");
        kms.env.put(Profiles.CREDENTIALS_FILE, credentialsFile().toString());
    }

    /** {@code kms --endpoint-url URL --region us-east-1 --profile kms-admin ARGS}. */
    CliFixture.Result remote(String... args) {
        List<String> all = new ArrayList<>(List.of("--endpoint-url", server.endpoint.toString(), "--region", REGION,
                "--profile", "kms-admin"));
        all.addAll(List.of(args));
        return kms.run(all.toArray(String[]::new));
    }

    JsonNode remoteOk(String... args) {
        CliFixture.Result result = remote(args);
        assertEquals(0, result.exit(), () -> "remote " + List.of(args) + ": " + result.err());
        assertEquals("", result.err());
        return result.json();
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    // ---- the server

    @Test
    void server_writesTheBootstrapCredentialsOnce_ownerOnly_andNeverPrintsTheSecret() throws Exception {
        startServer();
        String credentials = Files.readString(credentialsFile());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentialsFile())));
        assertTrue(credentials.startsWith("[kms-admin]\naws_access_key_id = AKIA"), credentials);
        String secret = credentials.lines().filter(l -> l.startsWith("aws_secret_access_key = ")).findFirst()
                .orElseThrow().substring("aws_secret_access_key = ".length());
        assertTrue(secret.length() >= 40, "secret length");

        String banner = server.err.toString();
        assertTrue(banner.contains("  endpoint     " + server.endpoint), banner);
        assertTrue(banner.contains("  region       " + REGION), banner);
        assertTrue(banner.contains("AWS_SHARED_CREDENTIALS_FILE=" + credentialsFile() + " aws kms list-keys --profile "
                + "kms-admin --endpoint-url " + server.endpoint + " --region " + REGION + "\n"), banner);
        assertTrue(banner.contains("written now"), banner);
        stopServerCleanly();
        assertFalse(server.err.toString().contains(secret), "secret printed");

        startServer();
        assertEquals(credentials, Files.readString(credentialsFile()), "credentials rewritten on restart");
        assertTrue(server.err.toString().contains("written on first start"), server.err.toString());
        remoteOk("list-keys");
        stopServerCleanly();
        assertFalse(server.err.toString().contains(secret), "secret printed");
    }

    @Test
    void healthz_answersReady_withoutCredentials() throws Exception {
        startServer();
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.endpoint.resolve("/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertEquals("{\"status\":\"ok\"}", health.body());
    }

    @Test
    void metrics_exportTheHsmSessionPool_borrowsGrowWithEncryptCalls() throws Exception {
        startServer();
        String keyId = remoteOk("create-key").get("KeyMetadata").get("KeyId").asText();
        Path plaintext = Files.writeString(home.resolve("metered.txt"), "metered");
        double before = metric(scrapeMetrics(), "kms_hsm_session_borrows_total");
        int encrypts = 5;
        for (int i = 0; i < encrypts; i++) {
            remoteOk("encrypt", "--key-id", keyId, "--plaintext", "fileb://" + plaintext);
        }

        String after = scrapeMetrics();
        assertTrue(metric(after, "kms_hsm_session_borrows_total") - before >= encrypts, after);
        assertEquals(2.0, metric(after, "kms_hsm_sessions_open"), "hsm.sessions=2 in the fixture's config");
        double inUse = metric(after, "kms_hsm_sessions_in_use");
        assertTrue(inUse >= 0 && inUse <= 2, after);
        assertTrue(metric(after, "kms_hsm_sessions_idle") <= 2, after);
        assertTrue(metric(after, "kms_hsm_session_waits_total") >= 0, after);
        assertTrue(metric(after, "kms_hsm_session_wait_seconds_total") >= 0, after);
        assertEquals(0.0, metric(after, "kms_hsm_session_timeouts_total"), after);
    }

    String scrapeMetrics() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.endpoint.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The value of the unlabelled sample {@code name}; fails when the exposition lacks it. */
    static double metric(String exposition, String name) {
        return exposition.lines()
                .filter(line -> line.startsWith(name + " "))
                .map(line -> Double.parseDouble(line.substring(name.length() + 1).strip()))
                .findFirst().orElseThrow(() -> new AssertionError(name + " missing from:\n" + exposition));
    }

    @Test
    void server_regionOtherThanKmsHomes_isRefused() {
        kms.run("server", "--port", "0", "--region", "eu-west-1");
        CliFixture.Result result = kms.results.get(kms.results.size() - 1);
        assertEquals(1, result.exit(), result.err());
        assertEquals("", result.out());
        assertTrue(result.err().contains("--region eu-west-1 is not the region"), result.err());
    }

    // ---- the CLI's remote mode

    @Test
    void remote_keyCommands_printWhatTheLocalModePrints() throws Exception {
        startServer();
        JsonNode created = remoteOk("create-key", "--description", "remote");
        String keyId = created.get("KeyMetadata").get("KeyId").asText();
        assertEquals("arn:aws:kms:us-east-1:" + CliFixture.ACCOUNT + ":key/" + keyId,
                created.get("KeyMetadata").get("Arn").asText());

        byte[] secret = "remote plaintext\n".getBytes(StandardCharsets.UTF_8);
        Path plaintext = Files.write(home.resolve("plain.bin"), secret);
        JsonNode encrypted = remoteOk("encrypt", "--key-id", keyId, "--plaintext", "fileb://" + plaintext,
                "--encryption-context", "purpose=remote");
        Path blob = Files.write(home.resolve("blob.bin"), Base64.getDecoder().decode(
                encrypted.get("CiphertextBlob").asText()));
        JsonNode decrypted = remoteOk("decrypt", "--ciphertext-blob", "fileb://" + blob,
                "--encryption-context", "purpose=remote");
        assertArrayEquals(secret, Base64.getDecoder().decode(decrypted.get("Plaintext").asText()));
        JsonNode dataKey = remoteOk("generate-data-key", "--key-id", keyId, "--key-spec", "AES_256");
        assertEquals(32, Base64.getDecoder().decode(dataKey.get("Plaintext").asText()).length);
        CliFixture.Result text = remote("describe-key", "--key-id", keyId, "--query", "KeyMetadata.KeyState",
                "--output", "text");
        assertEquals("Enabled\n", text.out(), text.err());
        CliFixture.Result remoteList = remote("list-keys");
        CliFixture.Result remoteDescribe = remote("describe-key", "--key-id", keyId);
        CliFixture.Result remoteNotFound = remote("describe-key", "--key-id", "alias/none");
        remoteNotFound.assertServiceError("NotFoundException");
        stopServerCleanly();

        // The server audited the calls as the administrator.
        JsonNode lastUse = kms.ok("get-key-last-usage", "--key-id", keyId);
        assertEquals("arn:aws:iam::" + CliFixture.ACCOUNT + ":user/kms-admin", lastUse.get("Principal").asText());
        assertEquals("GenerateDataKey", lastUse.get("Operation").asText());

        // The same commands on KMS_HOME itself, now that the server has let go of it.
        assertEquals(remoteList.out(), kms.run("list-keys").out());
        assertEquals(remoteDescribe.out(), kms.run("describe-key", "--key-id", keyId).out());
        assertEquals(remoteNotFound.err(), kms.run("describe-key", "--key-id", "alias/none").err());
        JsonNode localDecrypted = kms.ok("decrypt", "--ciphertext-blob", "fileb://" + blob,
                "--encryption-context", "purpose=remote");
        assertEquals(decrypted, localDecrypted);
        assertEquals(fieldNames(encrypted), fieldNames(kms.ok("encrypt", "--key-id", keyId, "--plaintext",
                "fileb://" + plaintext)));
        assertEquals(fieldNames(dataKey), fieldNames(kms.ok("generate-data-key", "--key-id", keyId, "--key-spec",
                "AES_256")));
        assertEquals(fieldNames(created), fieldNames(kms.ok("create-key")));
        assertEquals(fieldNames(created.get("KeyMetadata")), fieldNames(kms.ok("create-key").get("KeyMetadata")));
    }

    @Test
    void remote_iamAndStsCommands_printWhatTheLocalModePrints() throws Exception {
        startServer();
        JsonNode created = remoteOk("iam", "create-user", "--user-name", "ops");
        assertEquals("arn:aws:iam::" + CliFixture.ACCOUNT + ":user/ops", created.get("User").get("Arn").asText());
        JsonNode key = remoteOk("iam", "create-access-key", "--user-name", "ops");
        assertEquals(List.of("UserName", "AccessKeyId", "Status", "SecretAccessKey", "CreateDate"),
                fieldNames(key.get("AccessKey")));
        Path policy = Files.writeString(home.resolve("ops-policy.json"), "{\"Version\": \"2012-10-17\", \"Statement\": "
                + "[{\"Effect\": \"Allow\", \"Action\": \"kms:Encrypt\", \"Resource\": \"*\"}]}");
        remoteOk("iam", "put-user-policy", "--user-name", "ops", "--policy-name", "encrypt",
                "--policy-document", "file://" + policy);
        String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                + "\"arn:aws:iam::" + CliFixture.ACCOUNT + ":user/ops\"},\"Action\":\"sts:AssumeRole\"}]}";
        remoteOk("iam", "create-role", "--role-name", "ops-role", "--assume-role-policy-document", trust,
                "--max-session-duration", "7200");
        List<String[]> reads = List.of(
                new String[] {"iam", "get-user", "--user-name", "ops"},
                new String[] {"iam", "list-users"},
                new String[] {"iam", "list-access-keys", "--user-name", "ops"},
                new String[] {"iam", "get-user-policy", "--user-name", "ops", "--policy-name", "encrypt"},
                new String[] {"iam", "list-user-policies", "--user-name", "ops"},
                new String[] {"iam", "get-role", "--role-name", "ops-role"},
                new String[] {"iam", "list-roles"},
                new String[] {"iam", "list-role-policies", "--role-name", "ops-role"});
        List<CliFixture.Result> remoteReads = new ArrayList<>();
        for (String[] read : reads) {
            remoteReads.add(remote(read));
        }
        CliFixture.Result remoteMissing = remote("iam", "get-user", "--user-name", "nobody");
        remoteMissing.assertServiceError("NotFoundException");
        remote("iam", "delete-user", "--user-name", "ops").assertServiceError("DeleteConflictException");
        JsonNode caller = remoteOk("sts", "get-caller-identity");
        assertEquals("arn:aws:iam::" + CliFixture.ACCOUNT + ":user/kms-admin", caller.get("Arn").asText());
        assertEquals(List.of("UserId", "Account", "Arn"), fieldNames(caller));
        stopServerCleanly();

        // The same commands on KMS_HOME itself print the same.
        assertEquals(created.get("User"), kms.ok("iam", "get-user", "--user-name", "ops").get("User"));
        for (int i = 0; i < reads.size(); i++) {
            CliFixture.Result local = kms.run(reads.get(i));
            assertEquals(0, remoteReads.get(i).exit(), remoteReads.get(i).err());
            assertEquals(local.out(), remoteReads.get(i).out(), String.join(" ", reads.get(i)));
        }
        assertEquals(remoteMissing.err(), kms.run("iam", "get-user", "--user-name", "nobody").err());
        assertEquals(fieldNames(created.get("User")),
                fieldNames(kms.ok("iam", "create-user", "--user-name", "ops2").get("User")));
        assertEquals(fieldNames(caller), fieldNames(kms.ok("sts", "get-caller-identity")));
        assertEquals(7200, kms.ok("iam", "get-role", "--role-name", "ops-role").get("Role").get("MaxSessionDuration")
                .intValue());
    }

    @Test
    void remote_wrongSecret_isInvalidSignatureException() throws Exception {
        startServer();
        String keyId = Files.readString(credentialsFile()).lines().filter(l -> l.startsWith("aws_access_key_id = "))
                .findFirst().orElseThrow().substring("aws_access_key_id = ".length());
        kms.env.put(Credentials.ACCESS_KEY_ID, keyId);
        kms.env.put(Credentials.SECRET_ACCESS_KEY, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        CliFixture.Result result = kms.run("--endpoint-url", server.endpoint.toString(), "--region", REGION,
                "list-keys");
        result.assertServiceError("InvalidSignatureException");
    }

    @Test
    void remote_unknownAccessKey_isUnrecognizedClientException() throws Exception {
        startServer();
        kms.env.put(Credentials.ACCESS_KEY_ID, "AKIAUNKNOWNUNKNOWN00");
        kms.env.put(Credentials.SECRET_ACCESS_KEY, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        kms.run("--endpoint-url", server.endpoint.toString(), "--region", REGION, "list-keys")
                .assertServiceError("UnrecognizedClientException");
    }

    @Test
    void remote_otherRegion_isInvalidSignatureException() throws Exception {
        startServer();
        kms.run("--endpoint-url", server.endpoint.toString(), "--region", "eu-west-1", "--profile", "kms-admin",
                "list-keys").assertServiceError("InvalidSignatureException");
    }

    @Test
    void remote_withoutCredentials_failsWithoutCallingOrOpeningKmsHome() {
        CliFixture.Result result = kms.run("--endpoint-url", "http://127.0.0.1:1", "--region", REGION, "list-keys");
        assertEquals(1, result.exit());
        assertTrue(result.err().startsWith("kms: Unable to locate credentials"), result.err());
        assertFalse(Files.exists(home.resolve("metadata.db")), "remote mode opened KMS_HOME");
    }

    @Test
    void remote_unreachableServer_failsWithTheEndpoint() {
        kms.env.put(Credentials.ACCESS_KEY_ID, "AKIAUNKNOWNUNKNOWN00");
        kms.env.put(Credentials.SECRET_ACCESS_KEY, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        CliFixture.Result result = kms.run("--endpoint-url", "http://127.0.0.1:1", "--region", REGION, "list-keys");
        assertEquals(1, result.exit());
        assertTrue(result.err().startsWith("kms: Could not connect to the endpoint URL: \"http://127.0.0.1:1/\""),
                result.err());
    }

    @Test
    void remote_commandsOfKmsHomeOnly_areRefused() {
        kms.env.put(Credentials.ACCESS_KEY_ID, "AKIAUNKNOWNUNKNOWN00");
        kms.env.put(Credentials.SECRET_ACCESS_KEY, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        CliFixture.Result result = kms.run("--endpoint-url", "http://127.0.0.1:1", "iam", "list-service-principals");
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("kms iam list-service-principals works on KMS_HOME only"), result.err());
        result = kms.run("--endpoint-url", "http://127.0.0.1:1", "account", "list");
        assertTrue(result.err().contains("kms account list works on KMS_HOME only"), result.err());
        result = kms.run("--endpoint-url", "http://127.0.0.1:1", "iam", "create-access-key", "--service-name", "b.kms");
        assertTrue(result.err().contains("kms iam create-access-key works on KMS_HOME only"), result.err());
        assertFalse(Files.exists(home.resolve("metadata.db")), "opened KMS_HOME");
    }
}
