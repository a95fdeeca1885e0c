package dev.kms.core.error;

/**
 * The AWS exception names this service can raise (KMS's, and IAM's DeleteConflict); {@link #awsName()} is the
 * wire {@code __type}.
 */
public enum ErrorCode {
    NOT_FOUND("NotFoundException", false),
    DISABLED("DisabledException", false),
    INVALID_STATE("KMSInvalidStateException", false),
    INVALID_CIPHERTEXT("InvalidCiphertextException", false),
    INCORRECT_KEY("IncorrectKeyException", false),
    ALREADY_EXISTS("AlreadyExistsException", false),
    VALIDATION("ValidationException", false),
    LIMIT_EXCEEDED("LimitExceededException", false),
    INVALID_ALIAS_NAME("InvalidAliasNameException", false),
    INVALID_ARN("InvalidArnException", false),
    INVALID_MARKER("InvalidMarkerException", false),
    INVALID_KEY_USAGE("InvalidKeyUsageException", false),
    TAG("TagException", false),
    UNSUPPORTED_OPERATION("UnsupportedOperationException", false),
    UNKNOWN_OPERATION("UnknownOperationException", false),
    ACCESS_DENIED("AccessDeniedException", false),
    MALFORMED_POLICY_DOCUMENT("MalformedPolicyDocumentException", false),
    /** IAM's: a user, role or service principal that still has access keys or policies cannot be deleted. */
    DELETE_CONFLICT("DeleteConflictException", false),
    KEY_UNAVAILABLE("KeyUnavailableException", true),
    INTERNAL("KMSInternalException", true),
    DEPENDENCY_TIMEOUT("DependencyTimeoutException", true);

    private final String awsName;
    private final boolean serverFault;

    ErrorCode(String awsName, boolean serverFault) {
        this.awsName = awsName;
        this.serverFault = serverFault;
    }

    public String awsName() {
        return awsName;
    }

    /** True when the fault lies with the service or its dependencies rather than the request. */
    public boolean serverFault() {
        return serverFault;
    }
}
