package dev.kms.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP adapter with a plain HTTP client: protocol errors, health, limits and graceful stop. */
class KmsHttpServerTest extends ServerFixtureTestBase {
    static final ObjectMapper MAPPER = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A POST / signed by the AWS SDK signer with the root key; {@code headers} may override the JSON 1.1 ones. */
    HttpResponse<String> post(byte[] body, Map<String, String> headers) throws Exception {
        URI uri = fixture.server.endpoint().resolve("/");
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "TrentService.ListKeys");
        headers.forEach(unsigned::putHeader);
        var signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(ServerFixture.ROOT_KEY, ServerFixture.ROOT_SECRET))
                .request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kms")
                .putProperty(AwsV4HttpSigner.REGION_NAME, ServerFixture.REGION));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String body, Map<String, String> headers) throws Exception {
        return post(body.getBytes(StandardCharsets.UTF_8), headers);
    }

    static void assertAwsError(HttpResponse<String> response, int status, String type) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = MAPPER.readTree(response.body());
        assertEquals(type, body.get("__type").asText(), response.body());
        assertTrue(body.get("message").isTextual());
        assertFalse(response.body().contains("\tat "), "no stack trace");
        assertRequestId(response);
    }

    static void assertRequestId(HttpResponse<String> response) {
        String id = response.headers().firstValue("x-amzn-RequestId").orElseThrow();
        UUID uuid = UUID.fromString(id);
        assertEquals(id, uuid.toString());
        assertEquals(4, uuid.version());
        assertEquals(2, uuid.variant());
    }

    // ---- the API

    @Test
    void post_signedListKeys_isOkWithJson() throws Exception {
        fixture = new ServerFixture();
        HttpResponse<String> response = post("{}", Map.of());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/x-amz-json-1.1", response.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(MAPPER.readTree(response.body()).get("Keys").isArray());
        assertTrue(response.headers().firstValue("Date").isPresent());
        assertRequestId(response);
    }

    @Test
    void post_emptyBody_meansAnEmptyObject() throws Exception {
        fixture = new ServerFixture();
        assertEquals(200, post("", Map.of()).statusCode());
    }

    @Test
    void post_unsigned_isMissingAuthenticationToken() throws Exception {
        fixture = new ServerFixture();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(fixture.server.endpoint().resolve("/"))
                .header("Content-Type", "application/x-amz-json-1.1").header("X-Amz-Target", "TrentService.ListKeys")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertAwsError(response, 403, "MissingAuthenticationToken");
    }

    @Test
    void post_unknownOperation_isUnknownOperationException() throws Exception {
        fixture = new ServerFixture();
        assertAwsError(post("{}", Map.of("X-Amz-Target", "TrentService.LaunchRocket")), 400, "UnknownOperationException");
        assertAwsError(post("{}", Map.of("X-Amz-Target", "DynamoDB_20120810.ListTables")), 400,
                "UnknownOperationException");
    }

    @Test
    void post_malformedJson_isSerializationException() throws Exception {
        fixture = new ServerFixture();
        assertAwsError(post("{\"Limit\":", Map.of()), 400, "SerializationException");
        assertAwsError(post("{} {}", Map.of()), 400, "SerializationException");
    }

    @Test
    void post_nonObjectJson_isSerializationException() throws Exception {
        fixture = new ServerFixture();
        assertAwsError(post("[1,2]", Map.of()), 400, "SerializationException");
        assertAwsError(post("\"text\"", Map.of()), 400, "SerializationException");
    }

    @Test
    void post_wrongContentType_isRefused() throws Exception {
        fixture = new ServerFixture();
        assertAwsError(post("{}", Map.of("Content-Type", "application/json")), 400, "SerializationException");
    }

    @Test
    void post_wrongMemberType_isValidationException() throws Exception {
        fixture = new ServerFixture();
        assertAwsError(post("{\"Limit\":\"ten\"}", Map.of()), 400, "ValidationException");
    }

    @Test
    void post_bodyOverTheCap_is413() throws Exception {
        fixture = new ServerFixture();
        byte[] big = new byte[KmsHttpServer.Options.DEFAULT_MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        assertAwsError(post(big, Map.of()), 413, "RequestEntityTooLargeException");
    }

    @Test
    void post_chunkedBodyOverTheCap_is413() throws Exception {
        fixture = new ServerFixture();
        byte[] big = new byte[KmsHttpServer.Options.DEFAULT_MAX_BODY_BYTES * 2];
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(fixture.server.endpoint().resolve("/"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertAwsError(response, 413, "RequestEntityTooLargeException");
    }

    @Test
    void post_otherPath_isNotFound() throws Exception {
        fixture = new ServerFixture();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(fixture.server.endpoint().resolve("/admin"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertAwsError(response, 404, "UnknownOperationException");
    }

    @Test
    void malformedHttp_getsAnAwsErrorBody() throws Exception {
        fixture = new ServerFixture();
        try (Socket socket = new Socket("127.0.0.1", fixture.server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 400"), response);
            assertTrue(response.contains("\"__type\":\"SerializationException\""), response);
            assertTrue(response.toLowerCase().contains("x-amzn-requestid:"), response);
        }
    }

    // ---- error statuses of the key service

    @Test
    void serviceFault_is500_dependencyTimeout_is503_crash_is500WithoutDetails() throws Exception {
        fixture = new ServerFixture((ctx, op, body) -> {
            switch (body.path("Case").asText()) {
                case "internal" -> throw new KmsException(ErrorCode.INTERNAL, "The service failed.");
                case "timeout" -> throw new KmsException(ErrorCode.DEPENDENCY_TIMEOUT, "The HSM did not answer in time.");
                case "notfound" -> throw KmsException.notFound("Key 'x'");
                default -> throw new IllegalStateException("secret detail that must not leak");
            }
        });
        assertAwsError(post("{\"Case\":\"internal\"}", Map.of()), 500, "KMSInternalException");
        assertAwsError(post("{\"Case\":\"timeout\"}", Map.of()), 503, "DependencyTimeoutException");
        assertAwsError(post("{\"Case\":\"notfound\"}", Map.of()), 400, "NotFoundException");
        HttpResponse<String> crash = post("{\"Case\":\"crash\"}", Map.of());
        assertAwsError(crash, 500, "KMSInternalException");
        assertFalse(crash.body().contains("secret detail"));
    }

    @Test
    void requestContext_carriesSourceIpUserAgentAndTheResponsesRequestId() throws Exception {
        String[] seen = new String[3];
        fixture = new ServerFixture((ctx, op, body) -> {
            seen[0] = ctx.sourceIp();
            seen[1] = ctx.userAgent();
            seen[2] = ctx.requestId();
            return JsonNodeFactory.instance.objectNode();
        });
        HttpResponse<String> response = post("{}", Map.of("User-Agent", "aws-cli/2 test"));
        assertEquals(200, response.statusCode());
        assertEquals("127.0.0.1", seen[0]);
        assertEquals("aws-cli/2 test", seen[1]);
        assertEquals(response.headers().firstValue("x-amzn-RequestId").orElseThrow(), seen[2]);
    }

    // ---- health

    @Test
    void healthz_ready_isOk_notReady_is503_andRevealsNothingElse() throws Exception {
        fixture = new ServerFixture();
        HttpRequest get = HttpRequest.newBuilder(fixture.server.endpoint().resolve("/healthz")).GET().build();
        HttpResponse<String> ok = http.send(get, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertEquals("{\"status\":\"ok\"}", ok.body());
        assertRequestId(ok);
        fixture.ready.set(false);
        HttpResponse<String> down = http.send(get, HttpResponse.BodyHandlers.ofString());
        assertEquals(503, down.statusCode());
        assertEquals("{\"status\":\"unavailable\"}", down.body());
    }

    // ---- limits and shutdown

    @Test
    void requestsBeyondTheAdmissionLimit_areThrottled() throws Exception {
        HeldCalls held = new HeldCalls();
        fixture = new ServerFixture(KmsHttpServer.Options.defaults(0).withConcurrency(1, 0, Duration.ofMillis(100)),
                held);
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> unchecked(() -> post("{}", Map.of())));
        assertTrue(held.entered());
        assertAwsError(post("{}", Map.of()), 400, "ThrottlingException");
        held.release();
        assertEquals(200, first.get(10, TimeUnit.SECONDS).statusCode());
    }

    @Test
    void close_letsTheInFlightRequestFinish() throws Exception {
        HeldCalls held = new HeldCalls();
        fixture = new ServerFixture(held);
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> unchecked(() -> post("{}", Map.of())));
        assertTrue(held.entered());
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(fixture::close);
        Thread.sleep(200); // the stop has begun and is waiting for the request
        assertFalse(stopping.isDone());
        held.release();
        HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertEquals("{\"Done\":true}", response.body());
        stopping.get(10, TimeUnit.SECONDS);
        fixture = null;
    }

    interface Call<T> {
        T call() throws Exception;
    }

    static <T> T unchecked(Call<T> call) {
        try {
            return call.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
