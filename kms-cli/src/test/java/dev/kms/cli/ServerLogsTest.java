package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The logs of {@code scripts/kms server} as a process: JSON lines on stdout with one access line per API request
 * (the caller, never its secret), the banner as text on stderr, and none of the secrets, plaintexts, ciphertexts
 * or data keys of the requests made, failed signatures included.
 */
class ServerLogsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_ARN = "arn:aws:iam::" + CliFixture.ACCOUNT + ":user/kms-admin";

    @TempDir
    Path work;
    Process server;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private String start(Path home) throws Exception {
        ServerProcess started = ServerProcess.start(home, work);
        server = started.process();
        return started.endpoint();
    }

    @Test
    void logs_areJsonLines_withAnAccessLinePerRequest_andNoSecrets() throws Exception {
        KmsScript.assumeSoftHsm2Installed();
        Path home = Files.createDirectory(work.resolve("home"));
        CliFixture kms = CliFixture.create(home);
        String endpoint = start(home);
        Path credentials = home.resolve("bootstrap-credentials");
        String accessKeyId = property(credentials, "aws_access_key_id");
        String secret = property(credentials, "aws_secret_access_key");
        List<String> remote = List.of("--endpoint-url", endpoint, "--region", "us-east-1");

        kms.env.put(Profiles.CREDENTIALS_FILE, credentials.toString());
        String keyId = kms.ok(args(remote, "--profile", "kms-admin", "create-key")).get("KeyMetadata").get("KeyId")
                .asText();
        String plaintext = "log-canary-plaintext-4711";
        Path plaintextFile = Files.writeString(work.resolve("plain.txt"), plaintext);
        String ciphertext = kms.ok(args(remote, "--profile", "kms-admin", "encrypt", "--key-id", keyId,
                "--plaintext", "fileb://" + plaintextFile)).get("CiphertextBlob").asText();
        Path blob = Files.write(work.resolve("blob.bin"), Base64.getDecoder().decode(ciphertext));
        kms.ok(args(remote, "--profile", "kms-admin", "decrypt", "--ciphertext-blob", "fileb://" + blob));
        JsonNode dataKey = kms.ok(args(remote, "--profile", "kms-admin", "generate-data-key", "--key-id", keyId,
                "--key-spec", "AES_256"));
        String wrongSecret = "wrongSecretWrongSecretWrongSecret4711xyz";
        kms.env.put(Credentials.ACCESS_KEY_ID, accessKeyId);
        kms.env.put(Credentials.SECRET_ACCESS_KEY, wrongSecret);
        kms.run(args(remote, "list-keys")).assertServiceError("InvalidSignatureException");

        server.destroy(); // SIGTERM: the queued lines are written before the process ends
        assertTrue(server.waitFor(90, TimeUnit.SECONDS), "kms server did not stop on SIGTERM");
        String out = Files.readString(work.resolve("server.out"));
        String err = Files.readString(work.resolve("server.err"));

        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.lines().toList()) {
            JsonNode node = JSON.readTree(line);
            assertTrue(node.isObject(), line);
            OffsetDateTime.parse(node.path("timestamp").asText());
            for (String field : List.of("level", "logger", "message")) {
                assertTrue(node.path(field).isTextual(), () -> field + " missing: " + line);
            }
            lines.add(node);
        }
        List<JsonNode> access = lines.stream().filter(n -> n.path("logger").asText().equals("dev.kms.server.access"))
                .toList();
        assertEquals(5, access.size(), out);

        JsonNode encrypt = only(access, n -> n.path("operation").asText().equals("Encrypt"));
        assertEquals("INFO", encrypt.path("level").asText());
        assertEquals(200, encrypt.path("status").asInt());
        assertFalse(encrypt.has("errorType"), encrypt.toString());
        assertEquals(ADMIN_ARN, encrypt.path("principal").asText());
        assertEquals(CliFixture.ACCOUNT, encrypt.path("account").asText());
        assertEquals("127.0.0.1", encrypt.path("sourceIp").asText());
        assertTrue(encrypt.path("userAgent").asText().startsWith("kms-cli"), encrypt.toString());
        assertTrue(encrypt.path("latencyMs").isNumber() && encrypt.path("latencyMs").asDouble() >= 0, encrypt.toString());
        assertTrue(encrypt.path("requestId").asText().matches("[0-9a-f-]{36}"), encrypt.toString());

        JsonNode refused = only(access, n -> n.path("errorType").asText().equals("InvalidSignatureException"));
        assertEquals("ListKeys", refused.path("operation").asText());
        assertEquals(400, refused.path("status").asInt());
        assertFalse(refused.has("principal"), "no principal before the signature is verified");

        assertTrue(err.contains("Stop with Ctrl-C") && err.contains("kms server: stopped"), err);
        assertTrue(err.lines().noneMatch(l -> l.startsWith("{")), "JSON on stderr: " + err);
        String logs = out + err;
        for (String forbidden : List.of(secret, wrongSecret, new String(kms.token.userPin()),
                new String(kms.token.soPin()), plaintext,
                Base64.getEncoder().encodeToString(plaintext.getBytes(StandardCharsets.UTF_8)), ciphertext,
                dataKey.get("Plaintext").asText(), dataKey.get("CiphertextBlob").asText(), "AWS4-HMAC-SHA256",
                "Signature=")) {
            assertFalse(logs.contains(forbidden), "logged: " + forbidden);
        }
    }

    private static String[] args(List<String> first, String... rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    private static String property(Path credentials, String name) throws Exception {
        return Files.readString(credentials).lines().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow()
                .split("=", 2)[1].strip();
    }

    private static JsonNode only(List<JsonNode> nodes, Predicate<JsonNode> which) {
        List<JsonNode> found = nodes.stream().filter(which).toList();
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
    }
}
