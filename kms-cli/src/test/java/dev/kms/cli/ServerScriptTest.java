package dev.kms.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code scripts/kms server} as a process over a CliFixture home, as the README runs it: the AWS CLI (when
 * installed) against it, then SIGTERM, which must stop it gracefully with an intact audit trail. The process
 * runs on this test's class path (KMS_CLASSPATH), since the jar is only packaged after tests.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerScriptTest {
    private static final Path AWS_CLI_SCRIPT = KmsScript.REPO_ROOT.resolve("kms-cli/src/test/sh/aws-cli-against-server.sh");

    @TempDir
    static Path work;
    static CliFixture kms;
    static Process server;
    static Path serverErr;
    static String endpoint;

    @BeforeAll
    static void startServer() throws Exception {
        KmsScript.assumeSoftHsm2Installed();
        Path home = Files.createDirectory(work.resolve("home"));
        kms = CliFixture.create(home);
        serverErr = work.resolve("server.err");
        ServerProcess started = ServerProcess.start(home, work);
        server = started.process();
        endpoint = started.endpoint();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run awsCli(String part) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", AWS_CLI_SCRIPT.toString(), part).directory(work.toFile());
        Path scratch = Files.createDirectories(work.resolve("aws-" + part));
        builder.environment().put("KMS_ENDPOINT", endpoint);
        builder.environment().put("KMS_REGION", "us-east-1");
        builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", kms.home.resolve("bootstrap-credentials").toString());
        builder.environment().put("WORK", scratch.toString());
        List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")
                .forEach(builder.environment()::remove);
        builder.redirectOutput(scratch.resolve("out").toFile()).redirectError(scratch.resolve("err").toFile());
        Process process = builder.start();
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "the aws CLI script timed out");
        return new Run(process.exitValue(), Files.readString(scratch.resolve("out")),
                Files.readString(scratch.resolve("err")));
    }

    /** True when {@code bash -c CONDITION} succeeds. */
    private static boolean shell(String condition) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", "-c", condition).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
    }

    /** Runs one part of aws-cli-against-server.sh, which must exit 0 and print its ok line. */
    private static void assertAwsCliPartPasses(String part) throws IOException, InterruptedException {
        Run run = awsCli(part);
        assertEquals(0, run.exit, run.err);
        assertEquals("aws-cli-against-server " + part + ": ok\n", run.out, run.err);
    }

    private static void assumeAwsCliInstalled() throws IOException, InterruptedException {
        assumeTrue(shell("command -v aws"), "the AWS CLI (aws) is not installed; scripts/setup installs Debian's awscli");
    }

    @Test
    @Order(1)
    void awsCli_createKeyAliasEncryptDecryptGenerateDataKey() throws Exception {
        assumeAwsCliInstalled();
        assertAwsCliPartPasses("basic");
    }

    @Test
    @Order(2)
    void awsCli_rotateKeyOnDemandAndListKeyRotations() throws Exception {
        assumeAwsCliInstalled();
        assumeTrue(shell("aws kms help 2>/dev/null | grep -q rotate-key-on-demand"),
                "this AWS CLI predates rotate-key-on-demand (added to AWS KMS in June 2024)");
        assertAwsCliPartPasses("rotation");
    }

    @Test
    @Order(3)
    void awsCli_iamUserKeyPolicyAndStsAssumeRole() throws Exception {
        assumeAwsCliInstalled();
        assertAwsCliPartPasses("iam");
    }

    @Test
    @Order(4)
    void sigterm_stopsGracefully_andTheAuditTrailVerifies() throws Exception {
        server.destroy(); // SIGTERM
        assertTrue(server.waitFor(90, TimeUnit.SECONDS), "kms server did not stop on SIGTERM");
        String err = Files.readString(serverErr);
        assertEquals(143, server.exitValue(), err); // 128 + SIGTERM, after the shutdown hook finished
        assertTrue(err.contains("kms server: stopped"), err);
        String out = Files.readString(work.resolve("server.out"));
        assertTrue(out.lines().allMatch(l -> l.startsWith("{\"timestamp\":")), "stdout carries JSON log lines only: " + out);
        String secret = Files.readString(kms.home.resolve("bootstrap-credentials")).lines()
                .filter(l -> l.startsWith("aws_secret_access_key")).findFirst().orElseThrow().split("=", 2)[1].strip();
        assertTrue(!err.contains(secret) && !out.contains(secret), "the secret was printed");
        kms.ok("audit", "verify");
    }
}
