package dev.kms.core.error;

/**
 * The one error table: every error this service can answer, with its AWS JSON 1.1 {@code __type} and HTTP status
 * (docs/kms-reference.md, Wire protocol), its code and status in the IAM/STS Query protocol, and whether the fault
 * is the service's. The domain's errors, the SigV4 refusals and the HTTP edge's own answers are all rows here; a
 * new error is a new row. Every one of them makes the {@code kms} CLI exit {@link #exitCode()}.
 */
public enum ErrorCode {
    // The key service's errors. A null Query code: IAM has no counterpart (ValidationError, or ServiceFailure).
    NOT_FOUND("NotFoundException", 400, "NoSuchEntity", 404),
    DISABLED("DisabledException", 400, null, 400),
    INVALID_STATE("KMSInvalidStateException", 400, null, 400),
    INVALID_CIPHERTEXT("InvalidCiphertextException", 400, null, 400),
    INCORRECT_KEY("IncorrectKeyException", 400, null, 400),
    /** VerifyMac: the MAC is not the one the message, key and algorithm give. */
    INVALID_MAC("KMSInvalidMacException", 400, null, 400),
    ALREADY_EXISTS("AlreadyExistsException", 400, "EntityAlreadyExists", 409),
    VALIDATION("ValidationException", 400, "ValidationError", 400),
    LIMIT_EXCEEDED("LimitExceededException", 400, "LimitExceeded", 409),
    INVALID_ALIAS_NAME("InvalidAliasNameException", 400, null, 400),
    INVALID_ARN("InvalidArnException", 400, null, 400),
    INVALID_MARKER("InvalidMarkerException", 400, null, 400),
    INVALID_KEY_USAGE("InvalidKeyUsageException", 400, null, 400),
    TAG("TagException", 400, null, 400),
    UNSUPPORTED_OPERATION("UnsupportedOperationException", 400, null, 400),
    UNKNOWN_OPERATION("UnknownOperationException", 400, "InvalidAction", 400),
    ACCESS_DENIED("AccessDeniedException", 400, "AccessDenied", 403),
    MALFORMED_POLICY_DOCUMENT("MalformedPolicyDocumentException", 400, "MalformedPolicyDocument", 400),
    /** IAM's: a user, role or service principal that still has access keys or policies cannot be deleted. */
    DELETE_CONFLICT("DeleteConflictException", 400, "DeleteConflict", 409),
    /** Another writer changed the key between this call's read and its write; the caller may retry. */
    CONFLICT("ConflictException", 400, null, 400),
    KEY_UNAVAILABLE("KeyUnavailableException", 500, null, 500),
    INTERNAL("KMSInternalException", 500, "ServiceFailure", 500),
    DEPENDENCY_TIMEOUT("DependencyTimeoutException", 503, null, 500),

    // SigV4 refusals: the JSON protocol's names, and the Query protocol's (which differ).
    MISSING_AUTHENTICATION_TOKEN("MissingAuthenticationToken", 403, "MissingAuthenticationToken", 403),
    INCOMPLETE_SIGNATURE("IncompleteSignature", 400, "IncompleteSignature", 400),
    REQUEST_EXPIRED("RequestExpired", 400, "RequestExpired", 400),
    UNRECOGNIZED_CLIENT("UnrecognizedClientException", 400, "InvalidClientTokenId", 403),
    EXPIRED_TOKEN("ExpiredTokenException", 400, "ExpiredToken", 403),
    INVALID_SIGNATURE("InvalidSignatureException", 400, "SignatureDoesNotMatch", 403),

    // The HTTP edge's own answers.
    THROTTLING("ThrottlingException", 400, "Throttling", 400),
    SERIALIZATION("SerializationException", 400, null, 400),
    /** A request the server cannot route: any path but {@code POST /}. */
    UNKNOWN_PATH("UnknownOperationException", 404, null, 404),
    HTTP_VERSION_NOT_SUPPORTED("SerializationException", 505, null, 505),
    REQUEST_TOO_LARGE("RequestEntityTooLargeException", 413, null, 413),
    REQUEST_TIMEOUT("RequestTimeoutException", 408, null, 408),
    SERVICE_UNAVAILABLE("ServiceUnavailableException", 503, null, 503),
    MALFORMED_QUERY_STRING("MalformedQueryString", 400, "MalformedQueryString", 400),
    MISSING_ACTION("MissingAction", 400, "MissingAction", 400);

    private final String awsName;
    private final int httpStatus;
    private final String queryCode;
    private final int queryStatus;

    ErrorCode(String awsName, int httpStatus, String queryCode, int queryStatus) {
        this.awsName = awsName;
        this.httpStatus = httpStatus;
        this.queryCode = queryCode;
        this.queryStatus = queryStatus;
    }

    /** The AWS JSON 1.1 {@code __type}. */
    public String awsName() {
        return awsName;
    }

    /** The HTTP status of the AWS JSON 1.1 protocol. */
    public int httpStatus() {
        return httpStatus;
    }

    /** True when the fault lies with the service or its dependencies rather than the request. */
    public boolean serverFault() {
        return httpStatus >= 500 && httpStatus != 505;
    }

    /**
     * The Query protocol's {@code <Code>}: the IAM/STS name, else ValidationError for the caller's errors and
     * ServiceFailure for the service's.
     */
    public String queryCode() {
        if (queryCode != null) {
            return queryCode;
        }
        return serverFault() ? INTERNAL.queryCode : VALIDATION.queryCode;
    }

    public int queryStatus() {
        return queryStatus;
    }

    /** The Query protocol's {@code <Type>}: Sender for the caller's errors, Receiver for the service's. */
    public boolean querySender() {
        return !serverFault();
    }

    /** What {@code kms} exits with on this error: 1, as the AWS CLI does for every service error. */
    public int exitCode() {
        return 1;
    }

    /** True for the SigV4 refusals and the HTTP edge's answers, which the key service itself never raises. */
    public boolean edge() {
        return compareTo(MISSING_AUTHENTICATION_TOKEN) >= 0;
    }

    /**
     * The key service's error a Query protocol {@code <Code>} names (for a client that maps an answer back to the
     * domain), or null when none does: the edge's codes are left to the client as they came.
     */
    public static ErrorCode ofQueryCode(String code) {
        for (ErrorCode error : values()) {
            if (!error.edge() && error.queryCode != null && error.queryCode.equals(code)) {
                return error;
            }
        }
        return null;
    }
}
