package dev.kms.server;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS with a self-signed certificate made at test time by the JDK's keytool (EC P-256, SAN 127.0.0.1 and
 * localhost), from its PKCS#12 keystore and from the same certificate and key as PEM files.
 */
class TlsTest extends ServerFixtureTestBase {
    static final char[] PASSWORD = "test-keystore-password".toCharArray();

    @TempDir
    static Path dir;
    static Path pkcs12;
    static Path certPem;
    static Path keyPem;
    static KeyStore trustStore;

    @BeforeAll
    static void makeCertificate() throws Exception {
        pkcs12 = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ProcessBuilder builder = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "kms",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", pkcs12.toString(),
                "-storepass:env", "STOREPASS", "-keypass:env", "STOREPASS")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("keytool.log").toFile());
        builder.environment().put("STOREPASS", new String(PASSWORD)); // not on the command line
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, process.exitValue(), Files.readString(dir.resolve("keytool.log")));

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pkcs12)) {
            store.load(in, PASSWORD);
        }
        Certificate certificate = store.getCertificate("kms");
        certPem = dir.resolve("server.crt");
        keyPem = dir.resolve("server.key");
        Files.writeString(certPem, pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", ((PrivateKey) store.getKey("kms", PASSWORD)).getEncoded()));

        trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("kms", certificate);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    void start(TlsCredentials tls) {
        fixture = ServerFixture.withOptions(KmsHttpServer.Options.defaults(0).withTls(tls));
    }

    static TrustManagerFactory trustManagers() throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trustStore);
        return factory;
    }

    static HttpClient trustingClient() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers().getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).build();
    }

    static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pkcs12_awsSdkOverHttps_encryptsAndDecrypts() throws Exception {
        start(TlsCredentials.fromPkcs12(pkcs12, PASSWORD.clone()));
        assertEquals("https", fixture.server.endpoint().getScheme());
        TrustManagerFactory trust = trustManagers();
        try (KmsClient kms = KmsClient.builder()
                .endpointOverride(fixture.server.endpoint())
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.builder()
                        .tlsTrustManagersProvider(trust::getTrustManagers).build())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ServerFixture.ROOT_KEY, ServerFixture.ROOT_SECRET)))
                .build()) {
            String keyId = kms.createKey(r -> { }).keyMetadata().keyId();
            SdkBytes blob = kms.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String("over tls")))
                    .ciphertextBlob();
            assertEquals("over tls", kms.decrypt(r -> r.ciphertextBlob(blob)).plaintext().asUtf8String());
        }
    }

    @Test
    void pem_healthzOverHttps_isOk() throws Exception {
        start(TlsCredentials.fromPem(certPem, keyPem));
        HttpResponse<String> response = get(trustingClient(), fixture.server.endpoint().resolve("/healthz"));
        assertEquals(200, response.statusCode());
        assertEquals("{\"status\":\"ok\"}", response.body());
        assertEquals(HttpClient.Version.HTTP_1_1, response.version());
    }

    @Test
    void https_clientNotTrustingTheCertificate_failsTheHandshake() {
        start(TlsCredentials.fromPem(certPem, keyPem));
        HttpClient untrusting = HttpClient.newHttpClient();
        assertThrows(IOException.class, () -> get(untrusting, fixture.server.endpoint().resolve("/healthz")));
    }

    @Test
    void plainHttp_toTheTlsPort_getsNoAnswer() {
        start(TlsCredentials.fromPem(certPem, keyPem));
        URI plain = URI.create("http://127.0.0.1:" + fixture.server.port() + "/healthz");
        assertThrows(IOException.class, () -> get(HttpClient.newHttpClient(), plain));
    }

    @Test
    void fromPkcs12_wrongPassword_namesTheFileNotThePassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsCredentials.fromPkcs12(pkcs12, "wrong-password".toCharArray()));
        assertTrue(e.getMessage().contains(pkcs12.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-password"), e.getMessage());
    }

    @Test
    void fromPem_keyOfAnotherCertificate_isRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        Path otherKey = dir.resolve("other.key");
        Files.writeString(otherKey, pem("PRIVATE KEY", generator.generateKeyPair().getPrivate().getEncoded()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsCredentials.fromPem(certPem, otherKey));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
    }

    @Test
    void fromPem_traditionalEcKey_explainsTheConversion() throws Exception {
        Path sec1 = dir.resolve("sec1.key");
        Files.writeString(sec1, pem("EC PRIVATE KEY", new byte[] {1, 2, 3}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsCredentials.fromPem(certPem, sec1));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8"), e.getMessage());
    }

    @Test
    void tlsCredentials_toString_namesTheFilesOnly() {
        String text = TlsCredentials.fromPem(certPem, keyPem).toString();
        assertTrue(text.contains(certPem.toString()), text);
        assertFalse(text.contains("BEGIN"), text);
    }
}
