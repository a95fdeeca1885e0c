package dev.kms.cli;

import dev.kms.server.ServerCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kms server}'s TLS, metrics and rate options: HTTPS from {@code --tls-pkcs12} or {@code --tls-cert/--tls-key}
 * with a certificate made by keytool at test time, the PKCS#12 password from a file or the environment (never an
 * argument); wrong combinations and rates refused before KMS_HOME is opened.
 */
class ServerCommandOptionsTest extends CliTestBase {
    static final String PASSWORD = "cli-keystore-password";

    @TempDir
    static Path certs;
    static Path pkcs12;
    static Path certPem;
    static Path keyPem;
    static HttpClient trusting;

    Thread thread;
    ServerCommand command;
    final AtomicInteger exit = new AtomicInteger(-1);
    final StringWriter err = new StringWriter();

    @BeforeAll
    static void makeCertificate() throws Exception {
        pkcs12 = certs.resolve("server.p12");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "kms", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", pkcs12.toString(), "-storepass:env", "STOREPASS", "-keypass:env", "STOREPASS")
                .redirectErrorStream(true).redirectOutput(certs.resolve("keytool.log").toFile());
        builder.environment().put("STOREPASS", PASSWORD);
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, process.exitValue(), Files.readString(certs.resolve("keytool.log")));

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pkcs12)) {
            store.load(in, PASSWORD.toCharArray());
        }
        Certificate certificate = store.getCertificate("kms");
        certPem = certs.resolve("server.crt");
        keyPem = certs.resolve("server.key");
        Files.writeString(certPem, pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY",
                ((PrivateKey) store.getKey("kms", PASSWORD.toCharArray())).getEncoded()));

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("kms", certificate);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        trusting = HttpClient.newBuilder().sslContext(context).build();
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Starts {@code kms --home HOME server --port 0 ARGS} in-process and returns its endpoint. */
    URI start(String... args) throws Exception {
        CommandLine cli = KmsCli.commandLine(new KmsCli(kms.env));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        command = (ServerCommand) cli.getSubcommands().get("server").getCommand();
        List<String> all = new ArrayList<>(List.of("--home", home.toString(), "server", "--port", "0"));
        all.addAll(List.of(args));
        thread = new Thread(() -> exit.set(cli.execute(all.toArray(String[]::new))), "kms-server-options-test");
        thread.start();
        return command.awaitStarted(Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() throws Exception {
        if (thread != null) {
            command.stop();
            thread.join(Duration.ofSeconds(60).toMillis());
            assertFalse(thread.isAlive(), "the server did not stop");
            assertEquals(0, exit.get(), err.toString());
        }
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return trusting.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void server_tlsPkcs12_passwordFromAFile_servesHttps() throws Exception {
        Path passwordFile = certs.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        URI endpoint = start("--tls-pkcs12", pkcs12.toString(), "--tls-pkcs12-password-file", passwordFile.toString());

        assertEquals("https", endpoint.getScheme());
        assertEquals(200, get(endpoint.resolve("/healthz")).statusCode());
        assertTrue(err.toString().contains("endpoint     https://127.0.0.1:"), err.toString());
        assertFalse(err.toString().contains(PASSWORD), "password printed");
    }

    @Test
    void server_tlsPkcs12_passwordFromTheEnvironment_servesHttps() throws Exception {
        kms.env.put(ServerCommand.TLS_PKCS12_PASSWORD_ENV, PASSWORD);
        URI endpoint = start("--tls-pkcs12", pkcs12.toString());
        assertEquals(200, get(endpoint.resolve("/healthz")).statusCode());
    }

    @Test
    void server_tlsPem_servesHttps_andMetricsToLoopback() throws Exception {
        URI endpoint = start("--tls-cert", certPem.toString(), "--tls-key", keyPem.toString());
        assertEquals(200, get(endpoint.resolve("/healthz")).statusCode());
        HttpResponse<String> metrics = get(endpoint.resolve("/metrics"));
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("kms_requests_in_flight"), metrics.body());
    }

    @Test
    void server_requestsPerSecond_mustBePositive() {
        CliFixture.Result result = kms.run("server", "--port", "0", "--requests-per-second", "0");
        assertNotEquals(0, result.exit());
        assertTrue(result.err().contains("--requests-per-second must be a positive number"), result.err());
    }

    @Test
    void server_tlsCertWithoutKey_isRefused() {
        CliFixture.Result result = kms.run("server", "--port", "0", "--tls-cert", certPem.toString());
        assertNotEquals(0, result.exit());
        assertTrue(result.err().contains("--tls-cert and --tls-key go together"), result.err());
    }

    @Test
    void server_tlsPkcs12_withoutPassword_orWithAWrongOne_isRefused() throws Exception {
        CliFixture.Result none = kms.run("server", "--port", "0", "--tls-pkcs12", pkcs12.toString());
        assertNotEquals(0, none.exit());
        assertTrue(none.err().contains(ServerCommand.TLS_PKCS12_PASSWORD_ENV), none.err());

        Path wrong = certs.resolve("wrong-password");
        Files.writeString(wrong, "not-the-password");
        CliFixture.Result refused = kms.run("server", "--port", "0", "--tls-pkcs12", pkcs12.toString(),
                "--tls-pkcs12-password-file", wrong.toString());
        assertNotEquals(0, refused.exit());
        assertTrue(refused.err().contains(pkcs12.toString()), refused.err());
        assertFalse(refused.err().contains("not-the-password"), refused.err());
    }
}
