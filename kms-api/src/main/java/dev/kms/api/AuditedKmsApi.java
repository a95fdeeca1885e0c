package dev.kms.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.AuditSink;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Deployment;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern KEY_ARN = Pattern.compile("arn:[^:]+:kms:[^:]*:(\\d{12}):key/.+");
    /** Operations CloudTrail marks read-only besides Describe/List/Get*: they use a key without changing it. */
    private static final Set<String> READ_ONLY = Set.of("Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
            "GenerateRandom", "Sign", "Verify", "GenerateMac", "VerifyMac", "DeriveSharedSecret");
    /** Response members that name the key a call used, as a key ARN. */
    private static final List<String> RESPONSE_KEYS = List.of("KeyId", "SourceKeyId", "Arn", "KeyArn");
    /** Request members that name the key a call is about. */
    private static final List<String> REQUEST_KEYS = List.of("KeyId", "SourceKeyId", "DestinationKeyId", "TargetKeyId");

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
     * {@link KmsException}: the operation's own error, or the trail's when the event cannot be recorded.
     */
    public ObjectNode call(RequestContext ctx, String operation, JsonNode request) {
        AuditEvent.Builder event = audit.event(ctx, AuditEvent.EVENT_SOURCE, operation)
                .readOnly(readOnly(operation))
                .requestParameters(AuditedCalls.parameters(request));
        return audit.call(event, () -> api.call(ctx, operation, request),
                (e, response) -> e.responseElements(AuditedCalls.parameters(response))
                        .resources(successResources(ctx, request, response)),
                e -> e.resources(failureResources(request)));
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
                .resources(failureResources(request));
        return audit.refused(event, error);
    }

    /** Describe/List/Get* and the cryptographic operations, which change no key (as CloudTrail marks them). */
    static boolean readOnly(String operation) {
        return operation != null && (operation.startsWith("Describe") || operation.startsWith("List")
                || operation.startsWith("Get") || READ_ONLY.contains(operation));
    }

    /** The key ARNs the response names; else the key the request named, which the call resolved. */
    private List<AuditEvent.Resource> successResources(RequestContext ctx, JsonNode request, JsonNode response) {
        Set<String> arns = new LinkedHashSet<>();
        for (String member : RESPONSE_KEYS) {
            addIfKeyArn(arns, response.path(member));
        }
        addIfKeyArn(arns, response.path("KeyMetadata").path("Arn"));
        if (arns.isEmpty() && request != null) {
            // {} answers (EnableKey, PutKeyPolicy, TagResource...): a bare key id names a key of the caller's account.
            String account = ctx.principal().accountId() != null ? ctx.principal().accountId() : deployment.accountId();
            for (String member : REQUEST_KEYS) {
                JsonNode value = request.path(member);
                if (!value.isTextual() || addIfKeyArn(arns, value)) {
                    continue;
                }
                String keyId = value.textValue();
                if (!keyId.isEmpty() && !keyId.startsWith("alias/") && !keyId.startsWith("arn:")) {
                    arns.add(deployment.arnPrefix(account) + "key/" + keyId);
                }
            }
        }
        return resources(arns);
    }

    /** On failure only key ARNs written in the request: a bare id or alias may not name any key. */
    private static List<AuditEvent.Resource> failureResources(JsonNode request) {
        Set<String> arns = new LinkedHashSet<>();
        if (request != null) {
            for (String member : REQUEST_KEYS) {
                addIfKeyArn(arns, request.path(member));
            }
        }
        return resources(arns);
    }

    private static boolean addIfKeyArn(Set<String> arns, JsonNode value) {
        if (value.isTextual() && KEY_ARN.matcher(value.textValue()).matches()) {
            arns.add(value.textValue());
            return true;
        }
        return false;
    }

    private static List<AuditEvent.Resource> resources(Set<String> arns) {
        List<AuditEvent.Resource> resources = new ArrayList<>(arns.size());
        for (String arn : arns) {
            Matcher m = KEY_ARN.matcher(arn);
            resources.add(AuditEvent.Resource.key(m.matches() ? m.group(1) : null, arn));
        }
        return resources;
    }
}
