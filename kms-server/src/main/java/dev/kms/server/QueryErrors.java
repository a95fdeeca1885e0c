package dev.kms.server;

import dev.kms.core.error.ErrorCode;

import java.util.Map;

/**
 * The error codes and HTTP statuses of AWS's IAM and STS Query APIs, and how the domain's errors and the SigV4
 * refusals map to them: what {@link QueryApiEndpoint} answers, and what the CLI's remote mode maps back to the
 * domain's names so that it prints what the local mode prints.
 */
public final class QueryErrors {
    /** One wire error: its code, status, and whether the caller (Sender) or the service (Receiver) is at fault. */
    public record WireError(String code, int status, boolean sender) {
    }

    private static final Map<ErrorCode, WireError> DOMAIN = Map.of(
            ErrorCode.NOT_FOUND, new WireError("NoSuchEntity", 404, true),
            ErrorCode.ALREADY_EXISTS, new WireError("EntityAlreadyExists", 409, true),
            ErrorCode.DELETE_CONFLICT, new WireError("DeleteConflict", 409, true),
            ErrorCode.LIMIT_EXCEEDED, new WireError("LimitExceeded", 409, true),
            ErrorCode.MALFORMED_POLICY_DOCUMENT, new WireError("MalformedPolicyDocument", 400, true),
            ErrorCode.VALIDATION, new WireError("ValidationError", 400, true),
            ErrorCode.ACCESS_DENIED, new WireError("AccessDenied", 403, true),
            ErrorCode.UNKNOWN_OPERATION, new WireError("InvalidAction", 400, true));
    private static final WireError SERVICE_FAILURE = new WireError("ServiceFailure", 500, false);

    /** SigV4 refusals as the Query APIs name them (the JSON protocol's names differ). */
    private static final Map<AuthError.Code, WireError> AUTH = Map.of(
            AuthError.Code.MISSING_AUTHENTICATION_TOKEN, new WireError("MissingAuthenticationToken", 403, true),
            AuthError.Code.INCOMPLETE_SIGNATURE, new WireError("IncompleteSignature", 400, true),
            AuthError.Code.REQUEST_EXPIRED, new WireError("RequestExpired", 400, true),
            AuthError.Code.UNRECOGNIZED_CLIENT, new WireError("InvalidClientTokenId", 403, true),
            AuthError.Code.EXPIRED_TOKEN, new WireError("ExpiredToken", 403, true),
            AuthError.Code.INVALID_SIGNATURE, new WireError("SignatureDoesNotMatch", 403, true));

    /** Throttled requests: the Query APIs' code, which the AWS SDKs and CLI retry. */
    public static final WireError THROTTLING = new WireError("Throttling", 400, true);

    private QueryErrors() {
    }

    /** The wire error of a domain error; any code without an IAM counterpart is the service's failure. */
    public static WireError of(ErrorCode code) {
        WireError known = DOMAIN.get(code);
        if (known != null) {
            return known;
        }
        return code.serverFault() ? SERVICE_FAILURE : new WireError("ValidationError", 400, true);
    }

    public static WireError of(AuthError.Code code) {
        return AUTH.get(code);
    }

    /** The domain error a wire code stands for, or null when it has none (a SigV4 refusal, throttling). */
    public static ErrorCode domainCode(String wireCode) {
        for (Map.Entry<ErrorCode, WireError> entry : DOMAIN.entrySet()) {
            if (entry.getValue().code().equals(wireCode)) {
                return entry.getKey();
            }
        }
        return SERVICE_FAILURE.code().equals(wireCode) ? ErrorCode.INTERNAL : null;
    }
}
