package dev.kms.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kms.core.audit.AuditEvent;
import dev.kms.core.audit.AuditParameters;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Deployment;
import dev.kms.core.port.AuditSink;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every audited call shares (docs/audit-trail.md, "Where events come from"): the event's caller, time,
 * region and request id, and the fail-closed order. A trail known to be broken refuses the call before
 * anything is done; the call runs; exactly one event is recorded, success or failure; only then is the result
 * returned or the error rethrown, and a record that fails replaces the result. {@link AuditedKmsApi} audits the
 * KMS API with it; the CLI its IAM, STS and account calls and the service's own work (automatic rotations and
 * deletions).
 */
public final class AuditedCalls {
    /** The eventSource and invokedBy of what the key service does on its own, as CloudTrail names it. */
    public static final String KMS_SERVICE = "kms.amazonaws.com";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final AuditSink sink;
    private final Deployment deployment;
    private final Clock clock;

    /** Records into {@code sink}; events carry {@code deployment}'s region and {@code clock}'s time. */
    public AuditedCalls(AuditSink sink, Deployment deployment, Clock clock) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.deployment = Objects.requireNonNull(deployment, "deployment");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The deployment whose region the events carry. */
    public Deployment deployment() {
        return deployment;
    }

    /**
     * The event of {@code ctx}'s call {@code eventName} to {@code eventSource}, stamped now: userIdentity from the
     * principal (invokedBy the service it called through), source IP, user agent and request id of the request.
     */
    public AuditEvent.Builder event(RequestContext ctx, String eventSource, String eventName) {
        Principal p = ctx.principal();
        return event(new AuditEvent.UserIdentity(p.cloudTrailType(), p.principalId(), p.arn(), p.accountId(),
                        p.accessKeyId(), p.name(), ctx.viaService()),
                ctx.sourceIp(), ctx.userAgent(), ctx.requestId(), eventSource, eventName);
    }

    /** The event of a call by {@code caller} (e.g. one whose credentials were refused), stamped now. */
    public AuditEvent.Builder event(AuditEvent.UserIdentity caller, String sourceIp, String userAgent, String requestId,
                                    String eventSource, String eventName) {
        return AuditEvent.builder()
                .userIdentity(caller)
                .eventTime(clock.instant())
                .eventSource(eventSource)
                .eventName(eventName == null || eventName.isEmpty() ? "Unknown" : eventName)
                .awsRegion(deployment.region())
                .sourceIPAddress(sourceIp)
                .userAgent(userAgent)
                .requestID(requestId);
    }

    /**
     * Runs {@code work} and records {@code event}, completed by {@code onSuccess} with the result or by
     * {@code onFailure} and the error, before answering. Throws work's exception, or the trail's
     * ({@link KmsException}) when the trail is broken (nothing is then performed) or the event cannot be recorded.
     */
    public <T> T call(AuditEvent.Builder event, Supplier<T> work, BiConsumer<AuditEvent.Builder, ? super T> onSuccess,
                      Consumer<AuditEvent.Builder> onFailure) {
        requireHealthy();
        T result;
        try {
            result = work.get();
        } catch (RuntimeException e) {
            onFailure.accept(event);
            // KmsException is the domain's one family; anything else is still recorded, as an internal error.
            String code = e instanceof KmsException k ? k.code().awsName() : ErrorCode.INTERNAL.awsName();
            record(event.error(code, e.getMessage()).build(), e);
            throw e;
        }
        onSuccess.accept(event, result);
        sink.record(event.build());
        return result;
    }

    /**
     * Records {@code event} of a call refused before it ran (refused credentials), then returns {@code error} for
     * the caller to throw; the trail's error instead, with {@code error} suppressed, when it cannot be recorded.
     */
    public KmsException refused(AuditEvent.Builder event, KmsException error) {
        Objects.requireNonNull(error, "error");
        if (!sink.healthy()) {
            KmsException broken = unwritable();
            broken.addSuppressed(error);
            return broken;
        }
        try {
            record(event.error(error.code().awsName(), error.getMessage()).build(), error);
        } catch (KmsException recordFailed) {
            return recordFailed;
        }
        return error;
    }

    /**
     * Runs work the service does on its own (the due rotations and deletions), refused up front when the trail
     * is broken, and records the events {@code events} makes of its result before returning it, as
     * {@link #serviceEvent} builds them. A failing record throws; the work already done then stands unrecorded,
     * the gap {@link AuditedKmsApi} describes for mutations.
     */
    public <T> T serviceWork(Supplier<T> work, Function<? super T, List<AuditEvent>> events) {
        requireHealthy();
        T result = work.get();
        for (AuditEvent event : events.apply(result)) {
            sink.record(event);
        }
        return result;
    }

    /**
     * An event of the key service acting on its own on the key {@code keyArn} of {@code accountId} (CloudTrail's
     * AwsServiceEvent: userIdentity type AWSService, invokedBy kms.amazonaws.com), e.g. RotateKey, DeleteKey.
     */
    public AuditEvent serviceEvent(String eventName, String accountId, String keyArn) {
        return AuditEvent.builder()
                .userIdentity(new AuditEvent.UserIdentity("AWSService", null, null, accountId, null, null, KMS_SERVICE))
                .eventTime(clock.instant())
                .eventSource(KMS_SERVICE)
                .eventName(eventName)
                .awsRegion(deployment.region())
                .sourceIPAddress(KMS_SERVICE)
                .userAgent(KMS_SERVICE)
                .requestID(UUID.randomUUID().toString())
                .resources(List.of(AuditEvent.Resource.key(accountId, keyArn)))
                .build();
    }

    /** The allow-listed members of a JSON request or response ({@link AuditParameters}); null when not an object. */
    public static Map<String, Object> parameters(JsonNode members) {
        if (members == null || !members.isObject()) {
            return null;
        }
        return AuditParameters.of(object(members));
    }

    // A direct walk rather than ObjectMapper.convertValue, which serializes the tree and parses it back on every call.
    private static Map<String, Object> object(JsonNode node) {
        Map<String, Object> members = new LinkedHashMap<>();
        node.fields().forEachRemaining(member -> members.put(member.getKey(), value(member.getValue())));
        return members;
    }

    private static Object value(JsonNode node) {
        if (node.isObject()) {
            return object(node);
        }
        if (node.isArray()) {
            List<Object> items = new ArrayList<>(node.size());
            node.forEach(item -> items.add(value(item)));
            return items;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        // JSON null, and whatever a tree built in code may hold (binary, POJO) as Jackson converts it.
        return node.isNull() ? null : MAPPER.convertValue(node, Object.class);
    }

    private void requireHealthy() {
        if (!sink.healthy()) {
            throw unwritable();
        }
    }

    private static KmsException unwritable() {
        return new KmsException(ErrorCode.INTERNAL, "The audit trail cannot be written; the request was not performed.");
    }

    /** Records the event of a failed or refused call; the trail's error, with {@code error} suppressed, if it fails. */
    private void record(AuditEvent event, RuntimeException error) {
        try {
            sink.record(event);
        } catch (RuntimeException recordFailed) {
            recordFailed.addSuppressed(error);
            throw recordFailed;
        }
    }
}
