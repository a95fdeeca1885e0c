package dev.kms.server;

/**
 * A request refused before it reaches the key service: SigV4 authentication failures, with the AWS error
 * names and statuses of the AWS JSON protocol. Messages are safe to send: they never contain a secret, a
 * signing key or the signature the server computed.
 */
public final class AuthError extends RuntimeException {
    /** The AWS names; JSON-protocol services such as KMS answer 400 for all but a missing token. */
    public enum Code {
        MISSING_AUTHENTICATION_TOKEN("MissingAuthenticationToken", 403),
        INCOMPLETE_SIGNATURE("IncompleteSignature", 400),
        REQUEST_EXPIRED("RequestExpired", 400),
        UNRECOGNIZED_CLIENT("UnrecognizedClientException", 400),
        EXPIRED_TOKEN("ExpiredTokenException", 400),
        INVALID_SIGNATURE("InvalidSignatureException", 400);

        private final String awsName;
        private final int status;

        Code(String awsName, int status) {
            this.awsName = awsName;
            this.status = status;
        }

        public String awsName() {
            return awsName;
        }

        public int status() {
            return status;
        }
    }

    private final Code code;

    public AuthError(Code code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    /** The wire {@code __type}. */
    public String awsName() {
        return code.awsName();
    }

    public int status() {
        return code.status();
    }
}
