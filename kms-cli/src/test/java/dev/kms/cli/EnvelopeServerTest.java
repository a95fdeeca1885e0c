package dev.kms.cli;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.CryptoInputStream;
import com.amazonaws.encryptionsdk.CryptoOutputStream;
import dev.kms.server.ServerCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * encrypt-file and decrypt-file against {@code kms server} (in-process, over HTTP with SigV4), and interoperability
 * with the AWS Encryption SDK for Java in both directions: its own KMS keyring, on an AWS SDK KmsClient pointed at
 * the server, reads what encrypt-file wrote, and decrypt-file reads what the SDK's streaming API wrote.
 */
class EnvelopeServerTest extends CliTestBase {
    static final Map<String, String> CONTEXT = Map.of("purpose", "interop", "tenant", "a");

    ServerCommand server;
    Thread serverThread;
    URI endpoint;
    KmsClient sdkClient;
    Path files;

    @BeforeEach
    void startServer() throws Exception {
        CommandLine cli = KmsCli.commandLine(new KmsCli(kms.env));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        server = (ServerCommand) cli.getSubcommands().get("server").getCommand();
        serverThread = new Thread(() -> cli.execute("--home", home.toString(), "server", "--port", "0"), "kms-server");
        serverThread.start();
        endpoint = server.awaitStarted(Duration.ofSeconds(60));
        Path credentials = home.resolve("bootstrap-credentials");
        kms.env.put(Profiles.CREDENTIALS_FILE, credentials.toString());
        List<String> lines = Files.readAllLines(credentials);
        sdkClient = KmsClient.builder().endpointOverride(endpoint).region(Region.of(ServerCommandTest.REGION))
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        value(lines, "aws_access_key_id"), value(lines, "aws_secret_access_key"))))
                .build();
        files = Files.createDirectories(home.resolve("files"));
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        sdkClient.close();
        server.stop();
        serverThread.join(Duration.ofSeconds(60).toMillis());
        assertFalse(serverThread.isAlive(), "the server did not stop");
    }

    static String value(List<String> lines, String name) {
        return lines.stream().filter(l -> l.startsWith(name + " = ")).findFirst().orElseThrow()
                .substring(name.length() + 3);
    }

    CliFixture.Result remote(String... args) {
        List<String> all = new ArrayList<>(List.of("--endpoint-url", endpoint.toString(), "--region",
                ServerCommandTest.REGION, "--profile", "kms-admin"));
        all.addAll(List.of(args));
        return kms.run(all.toArray(String[]::new));
    }

    void remoteOk(String... args) {
        CliFixture.Result result = remote(args);
        assertEquals(0, result.exit(), () -> List.of(args) + ": " + result.err());
        assertEquals("", result.err());
    }

    String createKeyArn() {
        return sdkClient.createKey(r -> r.description("envelope")).keyMetadata().arn();
    }

    IKeyring keyring(String keyArn) {
        return MaterialProviders.builder().MaterialProvidersConfig(MaterialProvidersConfig.builder().build()).build()
                .CreateAwsKmsKeyring(CreateAwsKmsKeyringInput.builder().kmsKeyId(keyArn).kmsClient(sdkClient).build());
    }

    static AwsCrypto sdk() {
        return AwsCrypto.builder().withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt).build();
    }

    @Test
    void encryptFileRemotely_theSdksKmsKeyringDecrypts_bothSuites() throws Exception {
        String keyArn = createKeyArn();
        for (String suite : List.of("AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384", "AES_256_GCM_HKDF_SHA512_COMMIT_KEY")) {
            byte[] plaintext = EnvelopeCommandsTest.data(3 * 4096 + 7);
            Path in = Files.write(files.resolve("in-" + suite), plaintext);
            Path out = files.resolve("out-" + suite);
            remoteOk("encrypt-file", "--key-id", keyArn, "--algorithm", suite, "--frame-length", "4096",
                    "--encryption-context", "purpose=interop,tenant=a", in.toString(), out.toString());

            try (CryptoInputStream<?> decrypting = sdk().createDecryptingStream(keyring(keyArn),
                    Files.newInputStream(out), CONTEXT)) {
                assertArrayEquals(plaintext, decrypting.readAllBytes(), suite);
                assertEquals(CryptoAlgorithm.valueOf("ALG_" + suite), decrypting.getCryptoResult().getCryptoAlgorithm());
            }
            MessageLayout.Field providerInfo = MessageLayout.of(Files.readAllBytes(out)).headerFields()
                    .get("key provider info 0");
            assertEquals(keyArn, new String(Files.readAllBytes(out), providerInfo.offset(), providerInfo.length(),
                    java.nio.charset.StandardCharsets.UTF_8), "the KMS keyring's provider info: the key ARN");
        }
    }

    @Test
    void theSdksStreamingApiEncrypts_decryptFileDecrypts_remotelyAndOnKmsHome() throws Exception {
        String keyArn = createKeyArn();
        byte[] plaintext = EnvelopeCommandsTest.data(5 * 4096 + 100);
        Path message = files.resolve("sdk.message");
        try (OutputStream file = Files.newOutputStream(message);
             CryptoOutputStream<?> encrypting = sdk().createEncryptingStream(keyring(keyArn), file, CONTEXT)) {
            encrypting.write(plaintext);
        }

        Path remotely = files.resolve("remote.out");
        remoteOk("decrypt-file", "--encryption-context", "tenant=a", message.toString(), remotely.toString());
        assertArrayEquals(plaintext, Files.readAllBytes(remotely));
        remote("decrypt-file", "--encryption-context", "tenant=b", message.toString(), files.resolve("no").toString())
                .assertServiceError("InvalidCiphertextException");
        assertFalse(Files.exists(files.resolve("no")));

        Path locally = files.resolve("local.out");
        whileTheServerIsStopped(() -> {
            kms.env.remove(Profiles.CREDENTIALS_FILE);
            CliFixture.Result local = kms.run("decrypt-file", message.toString(), locally.toString());
            assertEquals(0, local.exit(), local.err());
        });
        assertArrayEquals(plaintext, Files.readAllBytes(locally));
    }

    /** Local commands that write KMS_HOME's trail (iam, or any call) wait for the server to let go of it. */
    void whileTheServerIsStopped(Runnable work) throws Exception {
        stopServer();
        work.run();
        startServer();
    }

    @Test
    void remote_keyTheCallerMayNotUse_isAccessDenied_withoutOutput() throws Exception {
        String keyArn = createKeyArn();
        Path in = Files.write(files.resolve("in"), EnvelopeCommandsTest.data(10));
        Path message = files.resolve("message");
        remoteOk("encrypt-file", "--key-id", keyArn, in.toString(), message.toString());
        whileTheServerIsStopped(() -> {
            kms.env.remove(Profiles.CREDENTIALS_FILE);
            kms.ok("iam", "create-user", "--user-name", "alice");
            var key = kms.ok("iam", "create-access-key", "--user-name", "alice").get("AccessKey");
            try {
                Files.writeString(home.resolve("alice-credentials"), "[alice]\naws_access_key_id = "
                        + key.get("AccessKeyId").asText() + "\naws_secret_access_key = "
                        + key.get("SecretAccessKey").asText() + "\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        kms.env.put(Profiles.CREDENTIALS_FILE, home.resolve("alice-credentials").toString());

        CliFixture.Result denied = kms.run("--endpoint-url", endpoint.toString(), "--region", ServerCommandTest.REGION,
                "--profile", "alice", "decrypt-file", message.toString(), files.resolve("out").toString());
        denied.assertServiceError("AccessDeniedException");
        assertFalse(Files.exists(files.resolve("out")));
    }
}
