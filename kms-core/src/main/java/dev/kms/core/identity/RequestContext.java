package dev.kms.core.identity;

import java.util.Objects;
import java.util.UUID;

/**
 * Who makes a request and from where. {@code viaService} is the name of the integrated service that
 * calls on the principal's behalf (the kms:ViaService condition key), set only after that service
 * authenticated itself ({@link OnBehalfOf}); null for direct calls.
 */
public record RequestContext(Principal principal, String viaService, String sourceIp, String userAgent,
                             String requestId) {
    public RequestContext {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(requestId, "requestId");
    }

    /** A direct call with a fresh request id. */
    public static RequestContext direct(Principal principal, String sourceIp, String userAgent) {
        return new RequestContext(principal, null, sourceIp, userAgent, UUID.randomUUID().toString());
    }

    /** The same caller acting through an integrated service that vouched for it; see {@link OnBehalfOf}. */
    RequestContext via(String serviceName) {
        return new RequestContext(principal, Objects.requireNonNull(serviceName, "serviceName"), sourceIp, userAgent,
                requestId);
    }
}
