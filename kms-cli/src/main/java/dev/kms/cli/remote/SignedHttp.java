package dev.kms.cli.remote;

import dev.kms.cli.CliException;
import dev.kms.cli.Credentials;
import dev.kms.wire.SigV4Signer;

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
 * The remote mode's transport: one SigV4-signed {@code POST /} to the endpoint on the JDK's HTTP client, for the
 * KMS JSON protocol ({@link HttpKmsClient}) and the IAM/STS Query protocol ({@link HttpQueryClient}) alike.
 */
public final class SignedHttp {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI endpoint;
    private final Credentials credentials;
    private final Clock clock;
    private final String userAgent;
    private final HttpClient http;

    /** Signs with {@code credentials}, which the caller keeps and closes after the last call. */
    public SignedHttp(URI endpoint, Credentials credentials, String userAgent, Clock clock) {
        this.endpoint = requestUri(endpoint);
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

    URI endpoint() {
        return endpoint;
    }

    /** Posts {@code body} with {@code headers} plus the signature's; any HTTP status is returned, not thrown. */
    HttpResponse<byte[]> post(SigV4Signer signer, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint).timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("User-Agent", userAgent);
        // Host is signed as the client will send it, but the JDK client sets it itself and refuses it as a header.
        credentials.sign(signer, "POST", endpoint, new LinkedHashMap<>(headers), body, clock.instant())
                .forEach((name, value) -> {
                    if (!name.equalsIgnoreCase("Host")) {
                        builder.header(name, value);
                    }
                });
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CliException("Could not connect to the endpoint URL: \"" + endpoint + "\" ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for " + endpoint);
        }
    }
}
