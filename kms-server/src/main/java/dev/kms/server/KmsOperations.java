package dev.kms.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.identity.RequestContext;

/**
 * The KMS operations the server exposes, in their JSON wire form: {@code KmsJsonApi::call} or a wrapper with the
 * same signature (the audited API). Errors are thrown as {@link dev.kms.core.error.KmsException}.
 */
@FunctionalInterface
public interface KmsOperations {
    ObjectNode call(RequestContext ctx, String operation, JsonNode request);
}
