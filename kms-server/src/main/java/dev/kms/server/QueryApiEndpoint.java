package dev.kms.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.api.IdentityApi;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.wire.CredentialLookup;
import dev.kms.wire.QueryProtocol;
import dev.kms.wire.QueryXml;
import dev.kms.wire.SigV4Verifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * AWS's Query protocol for IAM (Version 2010-05-08) and STS (2011-06-15) on {@code POST /}: a form-encoded body
 * with {@code Action}, {@code Version} and the action's parameters, signed with SigV4 for service {@code iam} or
 * {@code sts}, answered in XML ({@link QueryXml}) with the Query APIs' error codes ({@link ErrorCode#queryCode()}).
 * {@link ApiEndpoint} hands it the requests whose Content-Type is form-encoded; the service is the one the
 * signature's credential scope names, as AWS routes by endpoint.
 *
 * <p>The region of the scope may be this server's, {@code us-east-1} or {@code aws-global}: IAM is global and AWS
 * SDKs sign it for us-east-1, but with an endpoint override they sign for the client's configured region (the Java
 * SDK v2 signs {@code Region.AWS_GLOBAL} literally as aws-global); STS is signed for either depending on the
 * client. Both are one service per deployment here. Any other region is refused as SigV4 refuses it.
 */
public final class QueryApiEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(QueryApiEndpoint.class);
    private static final Map<String, Set<String>> ACTIONS = Map.of(IdentityApi.IAM,
            IdentityApi.actions(IdentityApi.IAM), IdentityApi.STS, IdentityApi.actions(IdentityApi.STS));
    private static final List<String> GLOBAL_REGIONS = List.of("us-east-1", "aws-global");

    private final IdentityOperations operations;
    private final String region;
    private final Map<String, SigV4Verifier> verifiers = new LinkedHashMap<>();
    private final RequestRateLimiter rateLimiter;

    /** The IAM and STS actions the server exposes: {@code AuditedIdentityApi::call} or the same signature. */
    @FunctionalInterface
    public interface IdentityOperations {
        ObjectNode call(RequestContext ctx, String service, String action, Map<String, String> parameters);
    }

    /**
     * Verifies signatures for {@code iam} and {@code sts} in {@code region} (and us-east-1, aws-global) with
     * {@code credentials}; counts requests in {@code rateLimiter}, the one the KMS API counts in.
     */
    public QueryApiEndpoint(IdentityOperations operations, String region, Clock clock, CredentialLookup credentials,
                            RequestRateLimiter rateLimiter) {
        this.operations = Objects.requireNonNull(operations, "operations");
        this.region = Objects.requireNonNull(region, "region");
        this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
        for (String service : QueryProtocol.VERSIONS.keySet()) {
            Set<String> regions = new LinkedHashSet<>(GLOBAL_REGIONS);
            regions.add(region);
            for (String signingRegion : regions) {
                verifiers.put(signingRegion + "/" + service,
                        new SigV4Verifier(signingRegion, service, clock, credentials, 4096));
            }
        }
    }

    /** True for a request in the Query protocol's form: a form-encoded body. */
    public static boolean isQueryRequest(Map<String, List<String>> headers) {
        List<String> contentType = headers.get("Content-Type");
        return contentType != null && !contentType.isEmpty()
                && contentType.get(0).regionMatches(true, 0, QueryProtocol.FORM_CONTENT_TYPE, 0, QueryProtocol.FORM_CONTENT_TYPE.length());
    }

    /** Answers one {@code POST /} in the Query protocol. */
    public ApiEndpoint.Answer handle(ApiEndpoint.Call call, String requestId) {
        String service = "iam";
        try {
            Map<String, String> parameters = form(call.body());
            Scope scope = Scope.of(call.headers());
            service = scope.service();
            // An unknown scope is verified for this region's IAM, which refuses it with SigV4's own message: past
            // verify, the service is iam or sts.
            SigV4Verifier verifier = verifiers.getOrDefault(scope.region() + "/" + scope.service(),
                    verifiers.get(region + "/iam"));
            Principal principal = verifier.verify(new SigV4Verifier.SignedRequest(call.method(), call.rawPath(),
                    call.rawQuery(), call.headers(), call.body()));
            if (!rateLimiter.tryAcquire(principal.accountId())) {
                return error(service, ErrorCode.THROTTLING, "Rate exceeded", requestId).by(principal);
            }
            return action(service, parameters, new RequestContext(principal, null, call.sourceIp(),
                    first(call.headers(), "User-Agent"), requestId)).by(principal);
        } catch (KmsException refused) { // a malformed form, or a SigV4 refusal
            return error(service, refused.code(), refused.getMessage(), requestId);
        }
    }

    /** The action's answer, labelled {@code service:Action} when the action exists (so labels stay a fixed set). */
    private ApiEndpoint.Answer action(String service, Map<String, String> parameters, RequestContext ctx) {
        String action = parameters.get("Action");
        String label = action != null && ACTIONS.get(service).contains(action) ? service + ":" + action : null;
        return perform(service, parameters, ctx).named(label);
    }

    private ApiEndpoint.Answer perform(String service, Map<String, String> parameters, RequestContext ctx) {
        String requestId = ctx.requestId();
        String action = parameters.remove("Action");
        String version = parameters.remove("Version");
        if (action == null || action.isEmpty()) {
            return error(service, ErrorCode.MISSING_ACTION, "Missing Action parameter.", requestId);
        }
        if (!QueryProtocol.VERSIONS.get(service).equals(version)) {
            return error(service, ErrorCode.UNKNOWN_OPERATION, "Could not find operation " + action
                    + " for version " + (version == null ? "NO_VERSION_SPECIFIED" : version), requestId);
        }
        try {
            ObjectNode result = operations.call(ctx, service, action, parameters);
            if (action.startsWith("List")) {
                result.put("IsTruncated", false); // every list is answered whole: there is never a next page
            }
            return new ApiEndpoint.Answer(200, requestId, null, QueryXml.result(service, action, result, requestId),
                    null, QueryXml.CONTENT_TYPE, null);
        } catch (KmsException e) {
            if (e.code().serverFault()) {
                LOG.warn("request {} {}:{} failed: {}", requestId, service, action, e.code().awsName(), e);
            }
            return error(service, e.code(), e.getMessage(), requestId);
        } catch (RuntimeException e) {
            LOG.error("request {} {}:{} failed unexpectedly", requestId, service, action, e);
            return error(service, ErrorCode.INTERNAL, "The service failed to process the request.", requestId);
        }
    }

    /** {@code code} as the Query protocol answers it: its Query code and status (ErrorCode, the error table). */
    static ApiEndpoint.Answer error(String service, ErrorCode code, String message, String requestId) {
        return new ApiEndpoint.Answer(code.queryStatus(), requestId, code.queryCode(),
                QueryXml.error(service, code.querySender(), code.queryCode(), message, requestId), null,
                QueryXml.CONTENT_TYPE, null);
    }

    /**
     * The form's parameters; a repeated name keeps its first value. Names and values must decode to well-formed
     * UTF-8: a lenient decoder would put replacement characters where the client's bytes were.
     */
    static Map<String, String> form(byte[] body) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String text = new String(body, StandardCharsets.ISO_8859_1); // one char per byte: formDecode checks the UTF-8
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = formDecode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
            parameters.putIfAbsent(name, value);
        }
        return parameters;
    }

    /** application/x-www-form-urlencoded: '+' is a space, %XX a byte, and the bytes are strict UTF-8. */
    private static String formDecode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%' && i + 2 < encoded.length() && Character.digit(encoded.charAt(i + 1), 16) >= 0
                    && Character.digit(encoded.charAt(i + 2), 16) >= 0) {
                bytes.write(Character.digit(encoded.charAt(i + 1), 16) << 4 | Character.digit(encoded.charAt(i + 2), 16));
                i += 2;
            } else if (c == '%') {
                throw new KmsException(ErrorCode.MALFORMED_QUERY_STRING, "The request body is not valid application/x-www-form-urlencoded data.");
            } else {
                bytes.write(c);
            }
        }
        try {
            return StrictText.decodeUtf8(bytes.toByteArray());
        } catch (CharacterCodingException e) {
            throw new KmsException(ErrorCode.MALFORMED_QUERY_STRING, "The request body's parameters are not valid UTF-8 once percent-decoded.");
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The region and service a request's SigV4 credential scope names; empty when it names none. */
    private record Scope(String region, String service) {
        static Scope of(Map<String, List<String>> headers) {
            String authorization = first(headers, "Authorization");
            int credential = authorization == null ? -1 : authorization.indexOf("Credential=");
            if (credential < 0) {
                return new Scope("", "");
            }
            int end = authorization.indexOf(',', credential);
            String[] parts = authorization.substring(credential + "Credential=".length(),
                    end < 0 ? authorization.length() : end).strip().split("/", -1);
            return parts.length == 5 ? new Scope(parts[2], parts[3].toLowerCase(Locale.ROOT)) : new Scope("", "");
        }
    }
}
