package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kms.server.KmsHttpServer;
import dev.kms.wire.AwsJson;
import dev.kms.wire.QueryProtocol;
import dev.kms.wire.SigV4Signer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.KeyState;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9's defects, each reproduced against the real {@code kms server} (SoftHSM2, SQLite, the audit trail) as an
 * attacker sends it: raw bytes on a socket or requests signed by hand, since no SDK sends them.
 */
class ServerHardeningTest extends ServedHomeTestBase {
    static final byte[] LIST_KEYS = "{\"Limit\":5}".getBytes(StandardCharsets.US_ASCII);

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void serveTheAdministrator() throws Exception {
        serve();
    }

    /** The headers of a POST / carrying {@code headers} and {@code body}, signed by the administrator. */
    static Map<String, String> signed(Map<String, String> headers, byte[] body, String service) {
        return new SigV4Signer(server.region, service).sign("POST", server.endpoint.resolve("/"), headers, body,
                server.administrator.accessKeyId(), server.administrator.secretAccessKey().toCharArray(), null,
                Instant.now());
    }

    static Map<String, String> kmsHeaders(String operation) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", AwsJson.CONTENT_TYPE);
        headers.put("X-Amz-Target", AwsJson.TARGET_PREFIX + operation);
        return headers;
    }

    /** Sends {@code body} with exactly {@code headers} (Host aside, which the client sets itself). */
    HttpResponse<String> send(Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.endpoint.resolve("/"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Host")) {
                request.header(name, value);
            }
        });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return Params.MAPPER.readTree(response.body());
    }

    // ---- invalid UTF-8 and the audit trail

    @Test
    void invalidUtf8InAnEncryptionContextKey_isSerializationException_andTheTrailStaysVerifiable() throws Exception {
        String keyId = admin.createKey(r -> r.description("utf-8")).keyMetadata().keyId();
        List<String> refusedIds = new ArrayList<>();
        for (String bad : List.of("f4908080", "c0af", "eda080", "ff")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(("{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"aGk=\",\"EncryptionContext\":{\"k")
                    .getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(HexFormat.of().parseHex(bad));
            body.writeBytes("\":\"v\"}}".getBytes(StandardCharsets.US_ASCII));
            byte[] bytes = body.toByteArray();
            HttpResponse<String> response = send(signed(kmsHeaders("Encrypt"), bytes, "kms"), bytes);
            assertEquals(400, response.statusCode(), bad + ": " + response.body());
            assertEquals("SerializationException", json(response).get("__type").asText());
            assertEquals("The request body is not valid UTF-8.", json(response).get("message").asText());
            refusedIds.add(response.headers().firstValue("x-amzn-RequestId").orElseThrow());
        }
        for (JsonNode event : server.auditEvents("EventName", "Encrypt")) {
            assertTrue(!refusedIds.contains(event.path("requestID").asText()), "refused before the trail: " + event);
        }
        admin.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String("after"))
                .encryptionContext(Map.of("k\uD83D\uDE00", "v"))); // well-formed text beyond the BMP is fine
        JsonNode report = server.kms.ok("audit", "verify");
        assertTrue(report.get("Intact").asBoolean(), report.toString());
    }

    // ---- signature coverage

    @Test
    void unsignedTarget_swappedIntoACapturedRequest_isRefused_andTheKeyStaysEnabled() throws Exception {
        String keyId = admin.createKey(r -> r.description("swap")).keyMetadata().keyId();
        byte[] body = ("{\"KeyId\":\"" + keyId + "\"}").getBytes(StandardCharsets.US_ASCII);
        // Captured: a DescribeKey signed over Host and X-Amz-Date only; replayed with another operation.
        Map<String, String> headers = new LinkedHashMap<>(signed(Map.of(), body, "kms"));
        headers.putAll(kmsHeaders("DisableKey"));
        HttpResponse<String> response = send(headers, body);
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("IncompleteSignature", json(response).get("__type").asText());
        assertEquals("'Content-Type' must be a 'SignedHeader' in the AWS Authorization.",
                json(response).get("message").asText());
        Map<String, String> typeSigned = new LinkedHashMap<>(signed(Map.of("Content-Type", AwsJson.CONTENT_TYPE),
                body, "kms"));
        typeSigned.put("X-Amz-Target", AwsJson.TARGET_PREFIX + "DisableKey");
        assertEquals("'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.",
                json(send(typeSigned, body)).get("message").asText());
        assertEquals(KeyState.ENABLED, admin.describeKey(r -> r.keyId(keyId)).keyMetadata().keyState());
    }

    @Test
    void queryProtocol_theActionIsInTheSignedBody_andContentTypeMustBeSigned() throws Exception {
        byte[] create = "Action=CreateUser&Version=2010-05-08&UserName=carol".getBytes(StandardCharsets.US_ASCII);
        Map<String, String> form = Map.of("Content-Type", QueryProtocol.FORM_CONTENT_TYPE);
        assertEquals(200, send(signed(form, create, "iam"), create).statusCode());
        byte[] delete = "Action=DeleteUser&Version=2010-05-08&UserName=carol".getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> swapped = send(signed(form, create, "iam"), delete);
        assertEquals(403, swapped.statusCode(), swapped.body());
        assertTrue(swapped.body().contains("<Code>SignatureDoesNotMatch</Code>"), swapped.body());

        Map<String, String> unsignedType = new LinkedHashMap<>(signed(Map.of(), delete, "iam"));
        unsignedType.putAll(form);
        HttpResponse<String> refused = send(unsignedType, delete);
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("<Code>IncompleteSignature</Code>"), refused.body());

        byte[] get = "Action=GetUser&Version=2010-05-08&UserName=carol".getBytes(StandardCharsets.US_ASCII);
        assertEquals(200, send(signed(form, get, "iam"), get).statusCode(), "carol was never deleted");
    }

    // ---- slow clients

    /** A connection that has sent a signed ListKeys head and {@code bodyBytes} of its body, then waits. */
    static Socket slowRequest(int bodyBytes) throws IOException {
        StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\n");
        signed(kmsHeaders("ListKeys"), LIST_KEYS, "kms").forEach((name, value) -> head.append(name).append(": ")
                .append(value).append("\r\n"));
        head.append("Content-Length: ").append(LIST_KEYS.length).append("\r\n\r\n");
        Socket socket = new Socket(server.endpoint.getHost(), server.endpoint.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(LIST_KEYS, 0, bodyBytes);
        out.flush();
        return socket;
    }

    HttpResponse<String> health() throws Exception {
        return http.send(HttpRequest.newBuilder(server.endpoint.resolve("/healthz")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void twoHundredSlowBodies_holdNoProcessingSlot_whileSdkCallsAndTheHealthCheckSucceed() throws Exception {
        String keyId = admin.createKey(r -> r.description("slow clients")).keyMetadata().keyId();
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                slow.add(slowRequest(3)); // more than the 48 slots and, before the fix, each holding one
            }
            for (int i = 0; i < 20; i++) {
                admin.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String("meanwhile")));
            }
            assertEquals(200, health().statusCode());
            for (Socket socket : slow) {
                socket.setSoTimeout(1);
                try {
                    int read = socket.getInputStream().read();
                    throw new AssertionError("a slow request was answered or dropped before its body came: " + read);
                } catch (SocketTimeoutException stillWaiting) {
                    // as expected: the server is still reading its body, without a slot
                }
            }
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void bodyThatNeverArrives_is408_andHeadersThatNeverEnd_areDropped_afterTheReadTimeout() throws Exception {
        long limit = KmsHttpServer.Options.DEFAULT_READ_TIMEOUT.toMillis() * 3;
        try (Socket body = slowRequest(3);
             Socket headers = new Socket(server.endpoint.getHost(), server.endpoint.getPort())) {
            CompletableFuture<Void> dribble = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = headers.getOutputStream();
                    out.write("POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    for (long end = System.currentTimeMillis() + limit; System.currentTimeMillis() < end; ) {
                        out.write('a'); // a byte a second keeps the 60 s idle timeout from ever firing
                        out.flush();
                        Thread.sleep(1000);
                    }
                } catch (IOException | InterruptedException closedByTheServer) {
                    // what is expected
                }
            });
            body.setSoTimeout((int) limit);
            String answer = new String(body.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertTrue(answer.contains("\"__type\":\"RequestTimeoutException\""), answer);

            headers.setSoTimeout((int) limit);
            InputStream in = headers.getInputStream();
            try {
                assertEquals(-1, in.read(), "closed without an answer");
            } catch (SocketException reset) {
                // closed while the dribbler wrote: the same outcome
            }
            dribble.get(limit, TimeUnit.MILLISECONDS);
        }
        assertEquals(200, health().statusCode());
    }

    @Test
    void unknownHttpVersions_areClientErrors_neverA500() throws Exception {
        for (String version : List.of("HTTP/0.9", "HTTP/1.2", "HTTP/9.9", "FOO/1.1")) {
            try (Socket socket = new Socket(server.endpoint.getHost(), server.endpoint.getPort())) {
                socket.getOutputStream().write(("POST / " + version + "\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.setSoTimeout(10_000);
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("HTTP/1.1 505 "), version + ": " + answer);
                assertTrue(answer.contains("\"__type\":\"SerializationException\""), answer);
            }
        }
    }

    // ---- files

    @Test
    void everythingUnderKmsHome_isTheOwnersAlone() throws Exception {
        admin.createKey(r -> r.description("files")); // the database, its WAL and the trail have been written
        Set<PosixFilePermission> groupOrOther = Set.of(PosixFilePermission.GROUP_READ,
                PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
        List<String> open = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(home)) {
            files = walk.toList();
        }
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("metadata.db-wal")), files::toString);
        for (Path file : files) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(groupOrOther::contains)) {
                open.add(home.relativize(file) + " " + permissions);
            }
        }
        assertEquals(List.of(), open);
    }
}
