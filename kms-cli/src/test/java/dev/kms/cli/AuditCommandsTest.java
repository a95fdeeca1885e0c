package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.node.KmsHome;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every CLI call audited into KMS_HOME/audit on a real token; verify, lookup-events and get-key-last-usage. */
class AuditCommandsTest extends CliTestBase {
    private static final String ROOT_ARN = "arn:aws:iam::" + CliFixture.ACCOUNT + ":root";
    private static final String SECRET = "correct horse battery staple, audit edition";
    private static final String SECRET_B64 = Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
    /** Denies the root everything but describing the key and reading its policy. */
    private static final String DENY_ROOT_USE = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"%1$s"},"Action":"kms:*","Resource":"*"},
              {"Effect":"Deny","Principal":{"AWS":"%1$s"},"NotAction":["kms:Describe*","kms:Get*"],"Resource":"*"}]}"""
            .formatted(ROOT_ARN);

    private Path auditDir() {
        return home.resolve("audit");
    }

    @Test
    void everyCall_successOrServiceErrorOrDenialOrValidation_writesExactlyOneEvent() {
        String keyId = kms.createKey();
        JsonNode created = kms.lastAuditEvent();
        assertEquals("CreateKey", created.get("eventName").asText());
        assertEquals("Root", created.at("/userIdentity/type").asText());
        assertEquals(ROOT_ARN, created.at("/userIdentity/arn").asText());
        assertEquals(CliFixture.ACCOUNT, created.at("/userIdentity/accountId").asText());
        assertEquals("kms-cli", created.get("userAgent").asText());
        assertFalse(created.get("readOnly").asBoolean());
        String arn = created.at("/resources/0/ARN").asText();
        assertTrue(arn.endsWith(":key/" + keyId), arn);

        int before = kms.auditEvents().size();
        kms.ok("encrypt", "--key-id", keyId, "--plaintext", SECRET_B64, "--encryption-context", "app=audit");
        assertEquals(before + 1, kms.auditEvents().size());
        JsonNode encrypt = kms.lastAuditEvent();
        assertEquals("Encrypt", encrypt.get("eventName").asText());
        assertFalse(encrypt.has("errorCode"));
        assertEquals("audit", encrypt.at("/requestParameters/encryptionContext/app").asText());
        assertEquals(arn, encrypt.at("/resources/0/ARN").asText());
        assertEquals(created.get("awsRegion"), encrypt.get("awsRegion"));

        String missing = arn.replace(keyId, "00000000-0000-0000-0000-000000000000");
        kms.run("describe-key", "--key-id", missing).assertServiceError("NotFoundException");
        assertEquals(before + 2, kms.auditEvents().size());
        assertEquals("NotFoundException", kms.lastAuditEvent().get("errorCode").asText());
        assertEquals(missing, kms.lastAuditEvent().at("/resources/0/ARN").asText());
        assertTrue(kms.lastAuditEvent().get("errorMessage").asText().contains("does not exist"), kms.lastAuditEvent().toString());

        String denied = kms.ok("create-key", "--policy", DENY_ROOT_USE, "--bypass-policy-lockout-safety-check")
                .get("KeyMetadata").get("Arn").asText();
        kms.run("encrypt", "--key-id", denied, "--plaintext", SECRET_B64).assertServiceError("AccessDeniedException");
        assertEquals(before + 4, kms.auditEvents().size());
        assertEquals("AccessDeniedException", kms.lastAuditEvent().get("errorCode").asText());
        assertEquals("Encrypt", kms.lastAuditEvent().get("eventName").asText());
        assertEquals(denied, kms.lastAuditEvent().at("/resources/0/ARN").asText());

        kms.run("generate-random", "--number-of-bytes", "2000").assertServiceError("ValidationException");
        assertEquals(before + 5, kms.auditEvents().size());
        assertEquals("ValidationException", kms.lastAuditEvent().get("errorCode").asText());
        assertEquals("GenerateRandom", kms.lastAuditEvent().get("eventName").asText());

        kms.run("encrypt", "--key-id", "alias/nothing", "--plaintext", SECRET_B64).assertServiceError("NotFoundException");
        assertEquals(before + 6, kms.auditEvents().size());
        assertTrue(kms.lastAuditEvent().get("resources").isEmpty(), "an unresolved alias names no key");
    }

    @Test
    void auditFiles_holdNoPlaintextCiphertextOrDataKey() throws IOException {
        String keyId = kms.createKey();
        JsonNode encrypted = kms.ok("encrypt", "--key-id", keyId, "--plaintext", SECRET_B64);
        String blob = encrypted.get("CiphertextBlob").asText();
        JsonNode decrypted = kms.ok("decrypt", "--ciphertext-blob", blob);
        assertEquals(SECRET_B64, decrypted.get("Plaintext").asText());
        JsonNode dataKey = kms.ok("generate-data-key", "--key-id", keyId, "--key-spec", "AES_256");
        JsonNode reEncrypted = kms.ok("re-encrypt", "--ciphertext-blob", blob, "--destination-key-id", keyId);
        JsonNode random = kms.ok("generate-random", "--number-of-bytes", "32");

        List<byte[]> secrets = new ArrayList<>();
        for (String base64 : List.of(SECRET_B64, blob, dataKey.get("Plaintext").asText(),
                dataKey.get("CiphertextBlob").asText(), reEncrypted.get("CiphertextBlob").asText(),
                random.get("Plaintext").asText())) {
            byte[] raw = Base64.getDecoder().decode(base64);
            secrets.add(base64.getBytes(StandardCharsets.US_ASCII));
            secrets.add(Base64.getUrlEncoder().encode(raw));
            secrets.add(HexFormat.of().formatHex(raw).getBytes(StandardCharsets.US_ASCII));
            secrets.add(raw);
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(auditDir())) {
            files = list.toList();
        }
        assertFalse(files.isEmpty());
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            for (byte[] secret : secrets) {
                assertFalse(contains(content, secret), () -> file + " contains a secret");
            }
        }
        assertTrue(kms.auditEvents().stream().anyMatch(e -> e.get("eventName").asText().equals("GenerateDataKey")));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void verify_isIntactAfterSessions_andLocatesAFlippedByte() throws IOException {
        String keyId = kms.createKey();
        kms.ok("encrypt", "--key-id", keyId, "--plaintext", SECRET_B64);

        CliFixture.Result intact = kms.run("audit", "verify");
        assertEquals(0, intact.exit(), intact.err());
        JsonNode report = intact.json();
        assertTrue(report.get("Intact").asBoolean());
        assertEquals(0, report.get("Problems").size(), report.toString());
        assertTrue(report.get("Events").asLong() >= 2);
        assertEquals(report.get("LastSeq"), report.get("LastSealedSeq"), "every session seals on close");

        // Change one byte of the Encrypt event: "Encrypt" becomes "Encrypu".
        Path file = null;
        int lineNumber = 0;
        try (Stream<Path> files = Files.list(auditDir())) {
            for (Path candidate : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(candidate, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).contains("\"eventName\":\"Encrypt\"")) {
                        file = candidate;
                        lineNumber = i + 1;
                    }
                }
            }
        }
        assertTrue(file != null, "no Encrypt event in the trail");
        byte[] bytes = Files.readAllBytes(file);
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("\"eventName\":\"Encrypt\"") + "\"eventName\":\"Encryp".length();
        bytes[at] ^= 0x01;
        Files.write(file, bytes);

        CliFixture.Result tampered = kms.run("audit", "verify");
        assertEquals(1, tampered.exit(), tampered.err());
        assertTrue(tampered.err().contains("not intact"), tampered.err());
        JsonNode problems = tampered.json().get("Problems");
        assertFalse(tampered.json().get("Intact").asBoolean());
        String fileName = file.getFileName().toString();
        int line = lineNumber;
        assertTrue(stream(problems).anyMatch(p -> p.get("Kind").asText().equals("HASH_MISMATCH")
                        && p.get("File").asText().endsWith(fileName) && p.get("Line").asInt() == line
                        && p.has("Seq") && p.get("Message").isTextual()),
                problems.toString());
    }

    @Test
    void verify_reportsTheUnsealedTailAsAWarning() throws IOException {
        kms.createKey();
        // Cut the final seal off the newest file, as a crash before close would leave it.
        Path newest;
        try (Stream<Path> files = Files.list(auditDir())) {
            newest = files.max(Comparator.naturalOrder()).orElseThrow();
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(newest, StandardCharsets.UTF_8));
        assertTrue(lines.get(lines.size() - 1).contains("\"digest\""));
        lines.remove(lines.size() - 1);
        Files.writeString(newest, String.join("\n", lines) + "\n");

        CliFixture.Result result = kms.run("audit", "verify");
        assertEquals(0, result.exit(), result.err());
        JsonNode warnings = result.json().get("Warnings");
        assertTrue(stream(warnings).anyMatch(w -> w.get("Kind").asText().equals("UNSEALED_TAIL")), warnings.toString());
    }

    @Test
    void trailRemovedWhileOpen_failsKeyOperationsClosed_andNothingIsPerformed() throws IOException {
        kms.createKey();
        int keys = kms.ok("list-keys").get("Keys").size();

        try (KmsSession session = KmsSession.open(KmsHome.resolve(home, kms.env), kms.env)) {
            deleteRecursively(auditDir());
            KmsException e = assertThrows(KmsException.class,
                    () -> session.call("CreateKey", Params.NODES.objectNode()));
            assertEquals(ErrorCode.INTERNAL, e.code());
            assertTrue(e.getMessage().contains("audit trail"), e.getMessage());
            assertThrows(KmsException.class, () -> session.call("GenerateRandom",
                    Params.NODES.objectNode().put("NumberOfBytes", 16)));
        }

        assertEquals(keys, kms.ok("list-keys").get("Keys").size(), "no key was created");
    }

    @Test
    void trailDirectoryUnusable_failsEveryCommandClosed() throws IOException {
        kms.createKey();
        int keys = kms.ok("list-keys").get("Keys").size();
        deleteRecursively(auditDir());
        Files.writeString(auditDir(), "not a directory");

        kms.run("create-key").assertServiceError("KMSInternalException");
        kms.run("list-keys").assertServiceError("KMSInternalException");

        Files.delete(auditDir());
        assertEquals(keys, kms.ok("list-keys").get("Keys").size(), "no key was created");
    }

    @Test
    void concurrentCommands_takeTurnsWritingTheTrail_soTheChainDoesNotFork() throws Exception {
        kms.createKey();
        CompletableFuture<CliFixture.Result> second;
        try (KmsSession first = KmsSession.open(KmsHome.resolve(home, kms.env), kms.env)) {
            first.call("GenerateRandom", Params.NODES.objectNode().put("NumberOfBytes", 16));
            second = CompletableFuture.supplyAsync(() -> kms.run("create-key"));
            Thread.sleep(700);
            assertFalse(second.isDone(), "the second command waits for the first to close the trail");
            first.call("ListKeys", Params.NODES.objectNode());
        }
        assertEquals(0, second.get(60, TimeUnit.SECONDS).exit());

        CliFixture.Result verify = kms.run("audit", "verify");
        assertEquals(0, verify.exit(), verify.out() + verify.err());
        assertEquals(4, verify.json().get("Events").asInt());
    }

    @Test
    void lookupEvents_filtersByEventNameResourceNameAndTime() {
        String first = kms.createKey();
        String second = kms.createKey();
        String blob = kms.ok("encrypt", "--key-id", first, "--plaintext", SECRET_B64).get("CiphertextBlob").asText();
        kms.ok("decrypt", "--ciphertext-blob", blob);
        kms.ok("encrypt", "--key-id", second, "--plaintext", SECRET_B64);
        kms.ok("describe-key", "--key-id", second);

        JsonNode encrypts = kms.ok("audit", "lookup-events", "--lookup-attributes",
                "AttributeKey=EventName,AttributeValue=Encrypt").get("Events");
        assertEquals(2, encrypts.size());
        assertTrue(stream(encrypts).allMatch(e -> e.get("EventName").asText().equals("Encrypt")));
        assertTrue(encrypts.get(0).at("/Resources/0/ResourceName").asText().endsWith(second), "newest first");
        JsonNode cloudTrail = readTree(encrypts.get(0).get("CloudTrailEvent").asText());
        assertEquals("Encrypt", cloudTrail.get("eventName").asText());
        assertEquals("root", encrypts.get(0).get("Username").asText(), "CloudTrail shows the root as root");
        assertTrue(encrypts.get(0).get("EventTime").asText().endsWith("+00:00"), encrypts.toString());

        JsonNode bySecond = kms.ok("audit", "lookup-events", "--lookup-attributes",
                "AttributeKey=ResourceName,AttributeValue=" + second).get("Events");
        assertEquals(List.of("DescribeKey", "Encrypt", "CreateKey"),
                stream(bySecond).map(e -> e.get("EventName").asText()).toList());

        JsonNode both = kms.ok("audit", "lookup-events", "--lookup-attributes",
                "[{\"AttributeKey\":\"ResourceName\",\"AttributeValue\":\"" + first + "\"},"
                        + "{\"AttributeKey\":\"EventName\",\"AttributeValue\":\"Decrypt\"}]").get("Events");
        assertEquals(1, both.size());

        JsonNode page = kms.ok("audit", "lookup-events", "--max-results", "2");
        assertEquals(2, page.get("Events").size());
        JsonNode next = kms.ok("audit", "lookup-events", "--max-results", "2", "--next-token",
                page.get("NextToken").asText());
        assertEquals("Decrypt", next.at("/Events/0/EventName").asText(), next.toString());

        String future = Long.toString(Instant.now().plusSeconds(3600).getEpochSecond());
        assertEquals(0, kms.ok("audit", "lookup-events", "--start-time", future).get("Events").size());
        assertEquals(6, kms.ok("audit", "lookup-events", "--start-time", "2020-01-01T00:00:00Z", "--end-time", future)
                .get("Events").size());
        assertEquals("Decrypt\n", kms.run("audit", "lookup-events", "--lookup-attributes",
                "AttributeKey=EventName,AttributeValue=Decrypt", "--query", "Events[].EventName", "--output", "text")
                .out());

        kms.run("audit", "lookup-events", "--max-results", "51").assertServiceError("ValidationException");
        kms.run("audit", "lookup-events", "--lookup-attributes", "AttributeKey=Colour,AttributeValue=red")
                .assertServiceError("ValidationException");
        kms.run("audit", "lookup-events", "--lookup-attributes", "EventName=Encrypt")
                .assertUsageError("AttributeKey=KEY,AttributeValue=VALUE");
        kms.run("audit", "lookup-events", "--start-time", "yesterday").assertUsageError("ISO-8601");
    }

    @Test
    void getKeyLastUsage_reportsTheLastSuccessfulUse() {
        String keyId = kms.createKey();
        JsonNode never = kms.ok("get-key-last-usage", "--key-id", keyId);
        String arn = never.get("KeyId").asText();
        assertTrue(arn.startsWith("arn:aws:kms:") && arn.endsWith(":" + CliFixture.ACCOUNT + ":key/" + keyId), arn);
        assertFalse(never.has("LastUsedDate") || never.has("Principal") || never.has("Operation"), never.toString());

        String blob = kms.ok("encrypt", "--key-id", keyId, "--plaintext", SECRET_B64).get("CiphertextBlob").asText();
        kms.ok("describe-key", "--key-id", keyId);
        kms.run("encrypt", "--key-id", keyId, "--plaintext", SECRET_B64, "--encryption-algorithm", "RSAES_OAEP_SHA_256")
                .assertServiceError("InvalidKeyUsageException");

        JsonNode used = kms.ok("get-key-last-usage", "--key-id", keyId);
        assertEquals(arn, used.get("KeyId").asText());
        assertEquals("Encrypt", used.get("Operation").asText());
        assertEquals(ROOT_ARN, used.get("Principal").asText());
        assertTrue(used.get("LastUsedDate").asText().endsWith("+00:00"), used.toString());

        kms.ok("decrypt", "--ciphertext-blob", blob);
        assertEquals("Decrypt", kms.ok("get-key-last-usage", "--key-id", keyId).get("Operation").asText());

        kms.run("get-key-last-usage", "--key-id", arn.replace(keyId, "00000000-0000-0000-0000-000000000000"))
                .assertServiceError("NotFoundException");
        String locked = kms.ok("create-key", "--policy", DENY_ROOT_USE.replace("\"kms:Describe*\",", ""),
                "--bypass-policy-lockout-safety-check").get("KeyMetadata").get("KeyId").asText();
        kms.run("get-key-last-usage", "--key-id", locked).assertServiceError("AccessDeniedException");
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items.stream();
    }

    private static JsonNode readTree(String json) {
        try {
            return Params.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
