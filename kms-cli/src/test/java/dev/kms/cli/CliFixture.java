package dev.kms.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.kms.node.KmsHome;
import dev.kms.node.NodeConfig;
import dev.kms.pkcs11.TestToken;
import dev.kms.pkcs11.TestTokens;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A KMS_HOME on a fresh SoftHSM2 token (from the kms-pkcs11 TestTokens fixture) and a SQLite file in a
 * temporary directory, and the CLI run in-process with captured stdout and stderr. Every captured output
 * is kept so a test can prove no PIN ever appeared in it.
 */
final class CliFixture {
    static final String ACCOUNT = "111122223333";

    final TestToken token;
    final Path home;
    final Map<String, String> env = new HashMap<>();
    final List<Result> results = new ArrayList<>();

    private CliFixture(TestToken token, Path home) {
        this.token = token;
        this.home = home;
    }

    /** A home whose config reads the user PIN from {@code home/user.pin} (0600). */
    static CliFixture create(Path home) {
        TestToken token = TestTokens.newToken("cli");
        CliFixture fixture = new CliFixture(token, home);
        Path pinFile = home.resolve("user.pin");
        try {
            Files.createFile(pinFile, PosixFilePermissions.asFileAttribute(KmsHome.OWNER_ONLY_FILE));
            Files.writeString(pinFile, new String(token.userPin()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        fixture.writeConfig(NodeConfig.PIN_FILE + "=user.pin");
        return fixture;
    }

    /** Writes config.properties for the token plus {@code extraLines}. */
    void writeConfig(String... extraLines) {
        StringBuilder config = new StringBuilder()
                .append("account=").append(ACCOUNT).append('\n')
                .append("hsm.library=").append(token.libraryPath()).append('\n')
                .append("hsm.token.label=").append(token.label()).append('\n')
                .append("hsm.sessions=2\n")
                .append("hsm.softhsm2.conf=").append(token.configFile()).append('\n');
        for (String line : extraLines) {
            config.append(line).append('\n');
        }
        try {
            Path file = Files.writeString(home.resolve("config.properties"), config);
            Files.setPosixFilePermissions(file, KmsHome.OWNER_ONLY_FILE); // as kms writes its own
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code kms --home HOME args...} in-process. */
    Result run(String... args) {
        return run(InputStream.nullInputStream(), OutputStream.nullOutputStream(), args);
    }

    /** Runs {@code kms --home HOME args...} in-process with {@code stdin} and {@code stdout} as the binary streams. */
    Result run(InputStream stdin, OutputStream stdout, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = KmsCli.commandLine(new KmsCli(env).withBinaryStreams(stdin, stdout));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("--home", home.toString()));
        all.addAll(List.of(args));
        int exit = cli.execute(all.toArray(String[]::new));
        Result result = new Result(exit, out.toString(), err.toString());
        results.add(result);
        return result;
    }

    /** Runs a command that must succeed and returns its JSON output. */
    JsonNode ok(String... args) {
        Result result = run(args);
        if (result.exit() != 0) {
            fail("kms " + String.join(" ", args) + " exited " + result.exit() + ": " + result.err());
        }
        assertEquals("", result.err(), "stderr of a successful command");
        return result.json();
    }

    /** Creates a key and returns its id. */
    String createKey() {
        return ok("create-key").get("KeyMetadata").get("KeyId").asText();
    }

    /** The event bodies of the audit trail in KMS_HOME/audit, in write order (none before the first call). */
    List<JsonNode> auditEvents() {
        List<JsonNode> events = new ArrayList<>();
        for (String line : auditTrailText().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode record = Params.MAPPER.readTree(line);
                if (record.has("event")) {
                    events.add(record.get("event"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return events;
    }

    JsonNode lastAuditEvent() {
        List<JsonNode> events = auditEvents();
        return events.get(events.size() - 1);
    }

    /** Every audit trail file in write order, each ended by a line break, so a secret can be searched for. */
    String auditTrailText() {
        Path dir = home.resolve("audit");
        if (!Files.isDirectory(dir)) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                text.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** The result of one run: exit code and everything written to stdout and stderr. */
    record Result(int exit, String out, String err) {
        JsonNode json() {
            try {
                return Params.MAPPER.readTree(out);
            } catch (JsonProcessingException e) {
                throw new AssertionError("stdout is not JSON: " + out, e);
            }
        }

        /** Asserts a service error: exit 1, nothing on stdout, the AWS error body on stderr. */
        Result assertServiceError(String type) {
            assertEquals(1, exit, () -> "exit code; stderr: " + err);
            assertEquals("", out, "stdout on error");
            JsonNode body;
            try {
                body = Params.MAPPER.readTree(err);
            } catch (JsonProcessingException e) {
                throw new AssertionError("stderr is not the JSON error body: " + err, e);
            }
            assertEquals(type, body.path("__type").asText(), err);
            assertTrue(body.path("message").isTextual(), err);
            return this;
        }

        /** Asserts a usage error: exit 2, nothing on stdout, a message on stderr. */
        Result assertUsageError(String messagePart) {
            assertEquals(2, exit, () -> "exit code; stderr: " + err);
            assertEquals("", out, "stdout on usage error");
            assertTrue(err.contains(messagePart), () -> "stderr lacks '" + messagePart + "': " + err);
            assertTrue(!err.contains("\tat "), "no stack trace");
            return this;
        }
    }
}
