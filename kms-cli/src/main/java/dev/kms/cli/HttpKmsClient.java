package dev.kms.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.server.ApiEndpoint;
import dev.kms.server.SigV4Signer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The key commands' remote mode (--endpoint-url): each operation is one {@code POST /} with the AWS JSON 1.1
 * body the local session would have been given, signed with SigV4, on the JDK's HTTP client. A server's AWS
 * error comes back as a {@link RemoteServiceException} with its own name and message.
 */
final class HttpKmsClient implements KmsClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    // Decimals (fractional epoch-second timestamps) as BigDecimal, as the local API builds them, so the output
    // path formats them identically.
    private static final ObjectMapper READER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final URI endpoint;
    private final SigV4Signer signer;
    private final Credentials credentials;
    private final Clock clock;
    private final String userAgent;
    private final HttpClient http;

    /** Signs with {@code credentials}, which the caller keeps and closes after the last call. */
    HttpKmsClient(URI endpoint, String region, Credentials credentials, String userAgent, Clock clock) {
        this.endpoint = requestUri(endpoint);
        this.signer = new SigV4Signer(Objects.requireNonNull(region, "region"));
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
        this.clock = Objects.requireNonNull(clock, "clock");
        // HTTP/1.1: an http:// URI would otherwise be offered an h2c upgrade the server does not speak.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The endpoint URL as the AWS CLI takes it: http or https, a host, and the path {@code /} for the API. */
    static URI requestUri(URI endpoint) {
        String scheme = endpoint.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || endpoint.getHost() == null) {
            throw new CliException("Invalid endpoint: " + endpoint + " (expected http://HOST:PORT or https://HOST:PORT)");
        }
        return endpoint.resolve("/");
    }

    @Override
    public ObjectNode call(String operation, JsonNode request) {
        byte[] body;
        try {
            body = Params.MAPPER.writeValueAsBytes(request);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", ApiEndpoint.CONTENT_TYPE);
        headers.put("X-Amz-Target", ApiEndpoint.TARGET_PREFIX + operation);
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint).timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("User-Agent", userAgent);
        // Host is signed as the client will send it, but the JDK client sets it itself and refuses it as a header.
        credentials.sign(signer, "POST", endpoint, headers, body, clock.instant()).forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Host")) {
                builder.header(name, value);
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CliException("Could not connect to the endpoint URL: \"" + endpoint + "\" ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for " + endpoint);
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() == 200) {
            if (answer == null || answer.isMissingNode() || answer.isNull()) {
                return Params.NODES.objectNode();
            }
            if (answer instanceof ObjectNode object) {
                return object;
            }
            throw new CliException("the server at " + endpoint + " answered " + operation + " with a body that is "
                    + "not a JSON object");
        }
        throw error(response, answer);
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return READER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** The AWS error of a non-200 answer: {@code __type} (without a namespace prefix), else x-amzn-ErrorType. */
    private RuntimeException error(HttpResponse<byte[]> response, JsonNode answer) {
        String type = answer == null ? null : answer.path("__type").textValue();
        if (type == null) {
            type = response.headers().firstValue("x-amzn-ErrorType").orElse(null);
        }
        if (type == null) {
            return new CliException("the server at " + endpoint + " answered HTTP " + response.statusCode()
                    + " without an AWS error body");
        }
        type = type.substring(type.lastIndexOf('#') + 1);
        int colon = type.indexOf(':');
        if (colon >= 0) {
            type = type.substring(0, colon);
        }
        String message = answer == null ? null : answer.path("message").textValue();
        if (message == null && answer != null) {
            message = answer.path("Message").textValue();
        }
        return new RemoteServiceException(type, message == null ? "" : message, response.statusCode());
    }
}
