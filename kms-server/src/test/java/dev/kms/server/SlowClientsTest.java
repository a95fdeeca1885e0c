package dev.kms.server;

import dev.kms.wire.AwsJson;
import dev.kms.wire.SigV4Signer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that send their requests slowly, or never finish them, on raw sockets: they hold connections, never the
 * processing slots that admission counts, and the read timeout drops them.
 */
class SlowClientsTest extends ServerFixtureTestBase {
    static final byte[] BODY = "{\"Limit\":5}".getBytes(StandardCharsets.US_ASCII);
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final List<Socket> sockets = new ArrayList<>();

    /** JUnit runs this before {@link #closeFixture}: the sockets close before the server stops. */
    @AfterEach
    void closeSockets() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** The head (request line and headers) of a ListKeys signed by the root key over {@link #BODY}. */
    byte[] signedHead() {
        URI uri = fixture.server.endpoint().resolve("/");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", AwsJson.CONTENT_TYPE);
        headers.put("X-Amz-Target", "TrentService.ListKeys");
        Map<String, String> signed = new SigV4Signer(ServerFixture.REGION).sign("POST", uri, headers, BODY,
                ServerFixture.ROOT_KEY, ServerFixture.ROOT_SECRET.toCharArray(), null, Instant.now());
        StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\n");
        signed.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Content-Length: ").append(BODY.length).append("\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A connection that has sent the head and the first {@code bodyBytes} bytes of the body, and then waits. */
    Socket startSlowRequest(int bodyBytes) throws IOException {
        Socket socket = new Socket("127.0.0.1", fixture.server.port());
        sockets.add(socket);
        OutputStream out = socket.getOutputStream();
        out.write(signedHead());
        out.write(BODY, 0, bodyBytes);
        out.flush();
        return socket;
    }

    HttpResponse<String> listKeys() throws Exception {
        URI uri = fixture.server.endpoint().resolve("/");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", AwsJson.CONTENT_TYPE);
        headers.put("X-Amz-Target", "TrentService.ListKeys");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(BODY));
        new SigV4Signer(ServerFixture.REGION).sign("POST", uri, headers, BODY, ServerFixture.ROOT_KEY,
                ServerFixture.ROOT_SECRET.toCharArray(), null, Instant.now()).forEach((name, value) -> {
                    if (!name.equals("Host")) {
                        request.header(name, value);
                    }
                });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> health() throws Exception {
        return http.send(HttpRequest.newBuilder(fixture.server.endpoint().resolve("/healthz")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String readAll(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** True when the server has written nothing on {@code socket} (and not closed it) within a short wait. */
    static boolean unanswered(Socket socket) throws IOException {
        socket.setSoTimeout(50);
        try {
            socket.getInputStream().read(); // a byte of an answer, or the end of a closed connection
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    @Test
    void slowBodies_holdNoProcessingSlot_whileOtherCallsAndTheHealthCheckSucceed() throws Exception {
        // Two slots and no queue: before bodies were read ahead of admission, two dribblers took both slots.
        fixture = ServerFixture.withOptions(KmsHttpServer.Options.defaults(0)
                .withConcurrency(2, 0, Duration.ofMillis(100)).withReadTimeout(Duration.ofSeconds(60)));
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            slow.add(startSlowRequest(3));
        }
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = listKeys();
            assertEquals(200, response.statusCode(), response.body());
        }
        assertEquals(200, health().statusCode());
        for (Socket socket : slow) {
            assertTrue(unanswered(socket), "a slow request was answered (or dropped) before its body arrived");
        }
        Socket finishing = slow.get(0);
        finishing.getOutputStream().write(BODY, 3, BODY.length - 3);
        finishing.getOutputStream().flush();
        finishing.setSoTimeout(10_000);
        byte[] status = finishing.getInputStream().readNBytes(12);
        assertEquals("HTTP/1.1 200", new String(status, StandardCharsets.US_ASCII), "once its body is complete");
    }

    @Test
    void bodyThatNeverArrives_is408_afterTheReadTimeout_andTheConnectionIsClosed() throws Exception {
        fixture = ServerFixture.withOptions(KmsHttpServer.Options.defaults(0).withReadTimeout(Duration.ofMillis(300)));
        String response = readAll(startSlowRequest(3)); // readAll returns at the end of the stream: closed
        assertTrue(response.startsWith("HTTP/1.1 408 "), response);
        assertTrue(response.contains("\"__type\":\"RequestTimeoutException\""), response);
        assertTrue(response.contains("not received in full within the server's read timeout"), response);
        assertTrue(response.toLowerCase().contains("x-amzn-requestid:"), response);
        assertEquals(200, listKeys().statusCode(), "the server goes on serving");
    }

    @Test
    void headersThatNeverEnd_closeTheConnection_afterTheReadTimeout() throws Exception {
        fixture = ServerFixture.withOptions(KmsHttpServer.Options.defaults(0).withReadTimeout(Duration.ofMillis(300)));
        Socket socket = new Socket("127.0.0.1", fixture.server.port());
        sockets.add(socket);
        CountDownLatch closed = new CountDownLatch(1);
        CompletableFuture<Void> dribble = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                out.write("POST / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                // A header byte every 50 ms never lets the 60 s idle timeout fire.
                for (int i = 0; i < 400 && closed.getCount() > 0; i++) {
                    out.write('a');
                    out.flush();
                    Thread.sleep(50);
                }
            } catch (IOException | InterruptedException e) {
                // the server closed the connection: what is expected
            }
        });
        socket.setSoTimeout(20_000);
        InputStream in = socket.getInputStream();
        try {
            assertEquals(-1, in.read(), "the server closed the connection without an answer");
        } catch (SocketException reset) {
            // closed while we were writing: a reset is the same answer
        } finally {
            closed.countDown();
        }
        dribble.get(30, TimeUnit.SECONDS);
        assertEquals(200, health().statusCode());
    }

    @Test
    void healthCheck_isAnswered_whileEverySlotIsBusy() throws Exception {
        HeldCalls held = new HeldCalls();
        fixture = new ServerFixture(KmsHttpServer.Options.defaults(0).withConcurrency(1, 0, Duration.ofMillis(100)),
                held);
        CompletableFuture<HttpResponse<String>> busy = CompletableFuture.supplyAsync(() -> {
            try {
                return listKeys();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(held.entered());
        assertEquals("ThrottlingException", listKeys().headers().firstValue("x-amzn-ErrorType").orElse(""),
                "the one slot is taken");
        HttpResponse<String> health = health();
        assertEquals(200, health.statusCode(), health.body());
        held.release();
        assertEquals(200, busy.get(10, TimeUnit.SECONDS).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/0.9", "HTTP/1.2", "HTTP/9.9", "FOO/1.1", "HTTP/2.0", "HTTP/1.1x"})
    void unknownHttpVersion_isAClientError_neverA500(String version) throws Exception {
        fixture = new ServerFixture();
        try (Socket socket = new Socket("127.0.0.1", fixture.server.port())) {
            socket.getOutputStream().write(("POST / " + version + "\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = readAll(socket);
            assertTrue(response.matches("(?s)HTTP/1\\.1 (4\\d\\d|505) .*"), version + ": " + response);
            assertFalse(response.contains("KMSInternalException"), response);
        }
    }
}
