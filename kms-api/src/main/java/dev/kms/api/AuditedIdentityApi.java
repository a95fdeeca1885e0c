package dev.kms.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.AuditParameters;
import dev.kms.core.identity.RequestContext;

import java.util.Map;
import java.util.Objects;

/**
 * {@link IdentityApi} with an audit trail, as {@link AuditedKmsApi} is for KMS: one event per call, allowed or
 * denied, recorded before the caller sees the result. eventSource is {@code iam.amazonaws.com} or
 * {@code sts.amazonaws.com}, eventName the action; parameters and results pass through {@link AuditParameters},
 * so a secret access key or session token never reaches the trail. Read-only actions' responseElements are null,
 * as CloudTrail writes them.
 */
public final class AuditedIdentityApi {
    private final IdentityApi api;
    private final AuditedCalls audit;

    public AuditedIdentityApi(IdentityApi api, AuditedCalls audit) {
        this.api = Objects.requireNonNull(api, "api");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /** Runs {@link IdentityApi#call} and records its event; throws its error, or the trail's. */
    public ObjectNode call(RequestContext ctx, String service, String action, Map<String, String> parameters) {
        boolean readOnly = IdentityApi.readOnly(action);
        AuditEvent.Builder event = audit.event(ctx, service + ".amazonaws.com", action)
                .readOnly(readOnly)
                .requestParameters(AuditParameters.of(parameters));
        return audit.call(event, () -> api.call(ctx, service, action, parameters),
                (e, result) -> e.responseElements(readOnly ? null : AuditedCalls.parameters(result)), e -> { });
    }
}
