package dev.kms.cli.remote;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.cli.CliException;
import dev.kms.cli.KmsClient;
import dev.kms.cli.Params;
import dev.kms.wire.AwsJson;
import dev.kms.wire.SigV4Signer;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Objects;

/**
 * The key commands' remote mode (--endpoint-url): each operation is one {@code POST /} with the AWS JSON 1.1
 * body the local session would have been given, signed with SigV4, on the JDK's HTTP client. A server's AWS
 * error comes back as a {@link RemoteServiceException} with its own name and message.
 */
public final class HttpKmsClient implements KmsClient {
    // Decimals (fractional epoch-second timestamps) as BigDecimal, as the local API builds them, so the output
    // path formats them identically.
    private static final ObjectMapper READER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final SignedHttp http;
    private final SigV4Signer signer;

    public HttpKmsClient(SignedHttp http, String region) {
        this.http = Objects.requireNonNull(http, "http");
        this.signer = new SigV4Signer(Objects.requireNonNull(region, "region"));
    }

    @Override
    public ObjectNode call(String operation, JsonNode request) {
        byte[] body;
        try {
            body = Params.MAPPER.writeValueAsBytes(request);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
        HttpResponse<byte[]> response = http.post(signer, Map.of("Content-Type", AwsJson.CONTENT_TYPE,
                "X-Amz-Target", AwsJson.TARGET_PREFIX + operation), body);
        JsonNode answer = parse(response.body());
        if (response.statusCode() == 200) {
            if (answer == null || answer.isMissingNode() || answer.isNull()) {
                return Params.NODES.objectNode();
            }
            if (answer instanceof ObjectNode object) {
                return object;
            }
            throw new CliException("the server at " + http.endpoint() + " answered " + operation
                    + " with a body that is not a JSON object");
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
            return new CliException("the server at " + http.endpoint() + " answered HTTP " + response.statusCode()
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
