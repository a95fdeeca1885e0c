package dev.kms.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.server.QueryApiEndpoint;
import dev.kms.server.QueryErrors;
import dev.kms.server.QueryXml;
import dev.kms.server.SigV4Signer;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The iam and sts commands' remote mode (--endpoint-url): each action is one {@code POST /} in AWS's Query
 * protocol (form-encoded {@code Action}, {@code Version} and parameters), signed with SigV4 for service iam or
 * sts, its XML result read back into the tree the local service answers. An error the domain knows (NoSuchEntity
 * is NotFoundException) comes back as that {@link KmsException}, so it prints as in the local mode; others (a
 * refused signature, throttling) as a {@link RemoteServiceException}.
 */
final class HttpQueryClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI endpoint;
    private final String region;
    private final Credentials credentials;
    private final Clock clock;
    private final String userAgent;
    private final HttpClient http;

    /** Signs with {@code credentials}, which the caller keeps and closes after the last call. */
    HttpQueryClient(URI endpoint, String region, Credentials credentials, String userAgent, Clock clock) {
        this.endpoint = HttpKmsClient.requestUri(endpoint);
        this.region = Objects.requireNonNull(region, "region");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The members of {@code action}'s result; pagination members dropped, as the AWS CLI's paginator does. */
    ObjectNode call(String service, String action, Map<String, String> parameters) {
        byte[] body = form(service, action, parameters);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", QueryApiEndpoint.FORM_CONTENT_TYPE + "; charset=utf-8");
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint).timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("User-Agent", userAgent);
        credentials.sign(new SigV4Signer(region, service), "POST", endpoint, headers, body, clock.instant())
                .forEach((name, value) -> {
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
        if (response.statusCode() == 200) {
            try {
                ObjectNode result = QueryXml.readResult(response.body(), action);
                result.remove("IsTruncated");
                result.remove("Marker");
                return result;
            } catch (IllegalArgumentException e) {
                throw new CliException("the server at " + endpoint + " answered " + action + " with a body that is "
                        + "not its XML result");
            }
        }
        throw error(response);
    }

    private static byte[] form(String service, String action, Map<String, String> parameters) {
        StringBuilder form = new StringBuilder("Action=").append(encode(action))
                .append("&Version=").append(encode(QueryApiEndpoint.VERSIONS.get(service)));
        parameters.forEach((name, value) -> form.append('&').append(encode(name)).append('=').append(encode(value)));
        return form.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private RuntimeException error(HttpResponse<byte[]> response) {
        Map<String, String> error = QueryXml.readError(response.body());
        if (error == null) {
            return new CliException("the server at " + endpoint + " answered HTTP " + response.statusCode()
                    + " without an AWS error body");
        }
        ErrorCode domain = QueryErrors.domainCode(error.get("Code"));
        return domain != null ? new KmsException(domain, error.get("Message"))
                : new RemoteServiceException(error.get("Code"), error.get("Message"), response.statusCode());
    }
}
