package dev.kms.cli.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.cli.CliException;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.wire.QueryProtocol;
import dev.kms.wire.QueryXml;
import dev.kms.wire.SigV4Signer;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * The iam and sts commands' remote mode (--endpoint-url): each action is one {@code POST /} in AWS's Query
 * protocol (form-encoded {@code Action}, {@code Version} and parameters), signed with SigV4 for service iam or
 * sts, its XML result read back into the tree the local service answers. An error the domain knows (NoSuchEntity
 * is NotFoundException) comes back as that {@link KmsException}, so it prints as in the local mode; others (a
 * refused signature, throttling) as a {@link RemoteServiceException}.
 */
public final class HttpQueryClient {
    private final SignedHttp http;
    private final String region;

    public HttpQueryClient(SignedHttp http, String region) {
        this.http = Objects.requireNonNull(http, "http");
        this.region = Objects.requireNonNull(region, "region");
    }

    /** The members of {@code action}'s result; pagination members dropped, as the AWS CLI's paginator does. */
    public ObjectNode call(String service, String action, Map<String, String> parameters) {
        HttpResponse<byte[]> response = http.post(new SigV4Signer(region, service),
                Map.of("Content-Type", QueryProtocol.FORM_CONTENT_TYPE + "; charset=utf-8"),
                form(service, action, parameters));
        if (response.statusCode() == 200) {
            try {
                ObjectNode result = QueryXml.readResult(response.body(), action);
                result.remove("IsTruncated");
                result.remove("Marker");
                return result;
            } catch (IllegalArgumentException e) {
                throw new CliException("the server at " + http.endpoint() + " answered " + action
                        + " with a body that is not its XML result");
            }
        }
        throw error(response);
    }

    private static byte[] form(String service, String action, Map<String, String> parameters) {
        StringBuilder form = new StringBuilder("Action=").append(encode(action))
                .append("&Version=").append(encode(QueryProtocol.VERSIONS.get(service)));
        parameters.forEach((name, value) -> form.append('&').append(encode(name)).append('=').append(encode(value)));
        return form.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private RuntimeException error(HttpResponse<byte[]> response) {
        Map<String, String> error = QueryXml.readError(response.body());
        if (error == null) {
            return new CliException("the server at " + http.endpoint() + " answered HTTP " + response.statusCode()
                    + " without an AWS error body");
        }
        ErrorCode domain = ErrorCode.ofQueryCode(error.get("Code"));
        return domain != null ? new KmsException(domain, error.get("Message"))
                : new RemoteServiceException(error.get("Code"), error.get("Message"), response.statusCode());
    }
}
