package dev.kms.core.identity;

import java.time.Instant;
import java.util.Objects;

/**
 * An integrated service known to the deployment, such as {@code backup.us-east-1.kms.local}: it authenticates
 * with its own access keys and may then call on an authenticated user's behalf, which sets kms:ViaService to
 * {@code serviceName} (see {@link OnBehalfOf}). {@code serviceId} is its unique id ({@code AIDS} + 16 characters).
 */
public record ServicePrincipal(String serviceName, String serviceId, Instant created) {
    public ServicePrincipal {
        IamNames.requireServiceName(serviceName);
        Objects.requireNonNull(serviceId, "serviceId");
        Objects.requireNonNull(created, "created");
    }
}
