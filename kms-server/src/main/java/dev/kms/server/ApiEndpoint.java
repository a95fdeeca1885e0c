package dev.kms.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.api.KmsJsonApi;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.wire.AwsJson;
import dev.kms.wire.SigV4Verifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * The routing of the HTTP API, free of any server type: {@code POST /} (AWS JSON 1.1, SigV4) and
 * {@code GET /healthz}. Every error is mapped to its AWS body and status here and nowhere else
 * (docs/kms-reference.md, Wire protocol); nothing a client sends yields a stack trace or a 500.
 */
public final class ApiEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(ApiEndpoint.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final KmsOperations operations;
    private final SigV4Verifier verifier;
    private final BooleanSupplier readiness;
    private final int maxBodyBytes;
    private final RequestRateLimiter rateLimiter;
    private final QueryApiEndpoint queryApi;

    /**
     * The answer to one request: status, body (JSON unless {@code contentType} says otherwise), for errors the AWS
     * error name, and the caller once its signature was verified (null before; for the access log).
     */
    public record Answer(int status, String requestId, String errorType, byte[] body, Principal principal,
                         String contentType, String operation) {
        public Answer {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(contentType, "contentType");
        }

        /** An answer in AWS JSON 1.1. */
        public Answer(int status, String requestId, String errorType, byte[] body) {
            this(status, requestId, errorType, body, null, AwsJson.CONTENT_TYPE, null);
        }

        Answer by(Principal caller) {
            return new Answer(status, requestId, errorType, body, caller, contentType, operation);
        }

        /**
         * The operation's label for metrics and the access log, when the body named it (a Query protocol action);
         * a KMS operation's comes from its X-Amz-Target header.
         */
        Answer named(String label) {
            return new Answer(status, requestId, errorType, body, principal, contentType, label);
        }
    }

    /** One HTTP request, as the server adapter read it. */
    public record Call(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body,
                       String sourceIp) {
        public Call {
            Objects.requireNonNull(method, "method");
            Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.forEach((name, values) -> copy.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
            headers = copy;
            body = body == null ? new byte[0] : body;
        }
    }

    /** With the default per-account rate limit ({@link RequestRateLimiter#DEFAULT_REQUESTS_PER_SECOND}). */
    public ApiEndpoint(KmsOperations operations, SigV4Verifier verifier, BooleanSupplier readiness, int maxBodyBytes) {
        this(operations, verifier, readiness, maxBodyBytes,
                RequestRateLimiter.perAccount(RequestRateLimiter.DEFAULT_REQUESTS_PER_SECOND));
    }

    public ApiEndpoint(KmsOperations operations, SigV4Verifier verifier, BooleanSupplier readiness, int maxBodyBytes,
                       RequestRateLimiter rateLimiter) {
        this(operations, verifier, readiness, maxBodyBytes, rateLimiter, null);
    }

    /** Also serving IAM and STS in the Query protocol through {@code queryApi} (null: KMS only). */
    public ApiEndpoint(KmsOperations operations, SigV4Verifier verifier, BooleanSupplier readiness, int maxBodyBytes,
                       RequestRateLimiter rateLimiter, QueryApiEndpoint queryApi) {
        this.queryApi = queryApi;
        this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
        this.operations = Objects.requireNonNull(operations, "operations");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1");
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * A fresh request id: every response carries one as {@code x-amzn-RequestId}. A version-4 UUID drawn from
     * ThreadLocalRandom: ids must be unique, not unpredictable, and UUID.randomUUID's shared SecureRandom costs a
     * lock and a system call per request.
     */
    public static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong() & ~0xF000L | 0x4000L; // version 4
        long low = random.nextLong() & ~(3L << 62) | 1L << 63; // IETF variant
        return new UUID(high, low).toString();
    }

    /** True for the requests {@link #handle} serves without reading a body: the health check. */
    public static boolean isHealthCheck(String method, String rawPath) {
        return "GET".equals(method) && "/healthz".equals(rawPath);
    }

    /** Answers one request. */
    public Answer handle(Call call, String requestId) {
        if (isHealthCheck(call.method(), call.rawPath())) {
            return health(requestId);
        }
        if (!"/".equals(call.rawPath()) || !"POST".equals(call.method())) {
            return error(ErrorCode.UNKNOWN_PATH, requestId,
                    "This service answers POST / with X-Amz-Target: TrentService.<Operation>.");
        }
        if (call.body().length > maxBodyBytes) {
            return tooLarge(requestId);
        }
        if (queryApi != null && QueryApiEndpoint.isQueryRequest(call.headers())) {
            // IAM and STS (form-encoded, Action=...); KMS requests carry X-Amz-Target and JSON instead.
            return queryApi.handle(call, requestId);
        }
        Principal principal;
        try {
            principal = verifier.verify(new SigV4Verifier.SignedRequest(call.method(), call.rawPath(),
                    call.rawQuery(), call.headers(), call.body()));
        } catch (KmsException refused) {
            return error(refused.code(), requestId, refused.getMessage());
        }
        // Counted once the account is known: an unauthenticated flood is bounded by admission instead.
        if (!rateLimiter.tryAcquire(principal.accountId())) {
            return error(ErrorCode.THROTTLING, requestId, "Rate exceeded").by(principal);
        }
        return api(call, principal, requestId).by(principal);
    }

    /** The answer to a body over {@link #maxBodyBytes()}, before it is read in full. */
    public Answer tooLarge(String requestId) {
        return error(ErrorCode.REQUEST_TOO_LARGE, requestId,
                "Request body exceeds the limit of " + maxBodyBytes + " bytes.");
    }

    /** The answer to a request whose body did not arrive within the server's read timeout. */
    public static Answer timedOut(String requestId) {
        return error(ErrorCode.REQUEST_TIMEOUT, requestId,
                "The request was not received in full within the server's read timeout.");
    }

    private Answer api(Call call, Principal principal, String requestId) {
        String contentType = first(call.headers(), "Content-Type");
        if (contentType == null || !contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT).equals(AwsJson.CONTENT_TYPE)) {
            return error(ErrorCode.SERIALIZATION, requestId, "Content-Type must be " + AwsJson.CONTENT_TYPE + ".");
        }
        String target = first(call.headers(), "X-Amz-Target");
        if (target == null || !target.startsWith(AwsJson.TARGET_PREFIX) || target.length() == AwsJson.TARGET_PREFIX.length()) {
            return error(ErrorCode.UNKNOWN_OPERATION, requestId,
                    "X-Amz-Target must be " + AwsJson.TARGET_PREFIX + "<Operation>.");
        }
        String operation = target.substring(AwsJson.TARGET_PREFIX.length());
        JsonNode request;
        try {
            request = JsonRequestBody.parse(call.body());
        } catch (JsonRequestBody.Refused e) {
            return error(ErrorCode.SERIALIZATION, requestId, e.getMessage());
        }
        RequestContext ctx = new RequestContext(principal, null, call.sourceIp(), first(call.headers(), "User-Agent"),
                requestId);
        try {
            return new Answer(200, requestId, null, MAPPER.writeValueAsBytes(operations.call(ctx, operation, request)));
        } catch (KmsException e) {
            if (e.code().serverFault()) {
                LOG.warn("request {} {} failed: {}", requestId, operation, e.code().awsName(), e);
            }
            return new Answer(e.code().httpStatus(), requestId, e.code().awsName(), bytes(KmsJsonApi.errorBody(e)));
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.error("request {} {} failed unexpectedly", requestId, operation, e);
            return error(ErrorCode.INTERNAL, requestId, "The service failed to process the request.");
        }
    }

    /** The answer to {@code GET /healthz}: 200 when the service is ready, else 503. */
    Answer health(String requestId) {
        boolean ready;
        try {
            ready = readiness.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.warn("readiness check failed", e);
            ready = false;
        }
        ObjectNode body = JSON.objectNode().put("status", ready ? "ok" : "unavailable");
        return new Answer(ready ? 200 : 503, requestId, null, bytes(body));
    }

    /** The AWS JSON 1.1 error body of {@code code}, with its status (docs/kms-reference.md, Wire protocol). */
    static Answer error(ErrorCode code, String requestId, String message) {
        return error(code.httpStatus(), code, requestId, message);
    }

    /** {@code code}'s body under another status: the one Jetty chose for HTTP it could not parse. */
    static Answer error(int status, ErrorCode code, String requestId, String message) {
        ObjectNode body = JSON.objectNode().put("__type", code.awsName()).put("message", message);
        return new Answer(status, requestId, code.awsName(), bytes(body));
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
