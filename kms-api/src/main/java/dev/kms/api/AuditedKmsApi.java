package dev.kms.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Deployment;
import dev.kms.core.model.KeyRef;
import dev.kms.core.operation.KmsOperation;
import dev.kms.core.port.AuditSink;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link KmsJsonApi} with an audit trail: every call, allowed or denied, successful or failed, leaves exactly
 * one {@link AuditEvent} in the {@link AuditSink} (docs/audit-trail.md; kms-reference.md, "Audit events"),
 * recorded durably before the caller sees the response or the error.
 *
 * <p>Order of one call: {@link AuditSink#healthy()} is checked first, and a trail known to be broken refuses
 * the call before anything is done (KMSInternalException), so no operation runs unrecorded when the failure
 * was already visible. Then the operation runs, its event is recorded, and only then is the response
 * returned or the error rethrown. If {@code record} throws, the caller gets that exception instead of the
 * result: it fails closed and never sees an answer the trail does not hold.
 *
 * <p>The remaining gap: a trail that breaks after the health check (disk full, directory removed, a record
 * that times out) turns a call that has already been performed into an error. For reads and cryptographic
 * operations the result is withheld, so nothing was disclosed unrecorded; for a mutation (CreateKey,
 * PutKeyPolicy, ScheduleKeyDeletion, ...) the change stands although its event was not written and the
 * caller was told the call failed. Closing the gap would need the mutation and its event in one transaction
 * (or an intent record before the work); the window is the time one operation takes.
 */
public final class AuditedKmsApi {
    private final KmsJsonApi api;
    private final AuditedCalls audit;
    private final Deployment deployment;

    /** Audits every call of {@code api} into {@code sink}; events carry {@code deployment}'s region. */
    public AuditedKmsApi(KmsJsonApi api, AuditSink sink, Deployment deployment, Clock clock) {
        this.api = Objects.requireNonNull(api, "api");
        this.audit = new AuditedCalls(sink, deployment, clock);
        this.deployment = deployment;
    }

    /**
     * Runs one operation as {@link KmsJsonApi#call} does and records its event before answering. Throws only
     * {@link KmsException}: the operation's own error, or the trail's when the event cannot be recorded. The
     * event's readOnly flag and key members come from the operation table ({@link KmsOperation}).
     */
    public ObjectNode call(RequestContext ctx, String operation, JsonNode request) {
        KmsOperation known = KmsOperation.ofWireName(operation);
        AuditEvent.Builder event = audit.event(ctx, AuditEvent.EVENT_SOURCE, operation)
                .readOnly(known != null && known.readOnly())
                .requestParameters(AuditedCalls.parameters(request));
        return audit.call(event, () -> {
                    if (known == null) {
                        throw new KmsException(ErrorCode.UNKNOWN_OPERATION, "Unknown operation " + operation);
                    }
                    return api.invoke(ctx, known, request);
                },
                (e, result) -> e.responseElements(AuditedCalls.parameters(result.body()))
                        .resources(successResources(ctx, known, request, result)),
                e -> e.resources(failureResources(known, request))).body();
    }

    /**
     * Records the event of a call refused before it ran because its credentials were (userIdentity: type
     * {@code Unknown} and the access key id the caller presented, which may not exist; never a secret or token),
     * then returns {@code error} for the caller to throw. Fails closed as {@link #call} does.
     */
    public KmsException recordRefusedCredentials(String accessKeyId, String operation, JsonNode request,
                                                 String sourceIp, String userAgent, String requestId,
                                                 KmsException error) {
        AuditEvent.Builder event = audit.event(new AuditEvent.UserIdentity("Unknown", null, null, null, accessKeyId,
                        null), sourceIp, userAgent, requestId, AuditEvent.EVENT_SOURCE, operation)
                .readOnly(readOnly(operation))
                .requestParameters(AuditedCalls.parameters(request))
                .resources(failureResources(KmsOperation.ofWireName(operation), request));
        return audit.refused(event, error);
    }

    /** CloudTrail's readOnly for {@code operation}, from the operation table; false for one it lacks. */
    static boolean readOnly(String operation) {
        KmsOperation known = KmsOperation.ofWireName(operation);
        return known != null && known.readOnly();
    }

    /**
     * The keys the operation's result names; else the key its request named by key id or key ARN (a key id names
     * a key of the caller's account). An alias the result does not resolve names no resource.
     */
    private List<AuditEvent.Resource> successResources(RequestContext ctx, KmsOperation operation, JsonNode request,
                                                       KmsJsonApi.Result result) {
        if (!result.keyArns().isEmpty()) {
            return result.keyArns().stream().distinct().map(AuditedKmsApi::resource).toList();
        }
        String account = ctx.principal().accountId() != null ? ctx.principal().accountId() : deployment.accountId();
        List<AuditEvent.Resource> resources = new ArrayList<>();
        for (KeyRef ref : keyRefs(operation, request)) {
            if (ref.kind() == KeyRef.Kind.KEY_ARN) {
                resources.add(resource(ref.text()));
            } else if (ref.kind() == KeyRef.Kind.KEY_ID) {
                resources.add(resource(deployment.arnPrefix(account) + "key/" + ref.keyId()));
            }
        }
        return resources;
    }

    /** On failure only key ARNs written in the request: a bare id or alias may not name any key. */
    private static List<AuditEvent.Resource> failureResources(KmsOperation operation, JsonNode request) {
        return keyRefs(operation, request).stream().filter(ref -> ref.kind() == KeyRef.Kind.KEY_ARN)
                .map(ref -> resource(ref.text())).toList();
    }

    /** The key references of the request's key members (operation table), skipping what is no KeyId at all. */
    private static List<KeyRef> keyRefs(KmsOperation operation, JsonNode request) {
        List<KeyRef> refs = new ArrayList<>();
        if (operation == null || request == null) {
            return refs;
        }
        for (String member : operation.keyMembers()) {
            JsonNode value = request.path(member);
            if (value.isTextual() && !value.textValue().isEmpty()) {
                try {
                    refs.add(KeyRef.parse(value.textValue(), Requests.field(member)));
                } catch (KmsException notAnArn) {
                    // no KeyId at all (not a KMS ARN, or too long) names no resource; the call itself answers why
                }
            }
        }
        return refs;
    }

    private static AuditEvent.Resource resource(String keyArn) {
        return AuditEvent.Resource.key(KeyRef.parse(keyArn, "keyId").accountId(), keyArn);
    }
}
