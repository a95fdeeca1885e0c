package dev.kms.core.identity;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.secret.Secret;

/**
 * Credentials the {@link Authenticator} refuses. A local caller sees AccessDeniedException with AWS's wording; over
 * SigV4 the refusal is the error {@link #reason()} names (UnrecognizedClientException, ExpiredTokenException).
 * The message never contains the secret or the session token.
 */
public final class CredentialsRefused extends KmsException {
    /** Why, with AWS's wording and the SigV4 refusal it stands for. */
    public enum Reason {
        INVALID_TOKEN("The security token included in the request is invalid.", ErrorCode.UNRECOGNIZED_CLIENT),
        EXPIRED_TOKEN("The security token included in the request is expired", ErrorCode.EXPIRED_TOKEN),
        BAD_SIGNATURE("The request signature we calculated does not match the signature you provided. Check your "
                + "AWS Secret Access Key and signing method.", ErrorCode.INVALID_SIGNATURE);

        private final String message;
        private final ErrorCode sigV4Code;

        Reason(String message, ErrorCode sigV4Code) {
            this.message = message;
            this.sigV4Code = sigV4Code;
        }

        public String message() {
            return message;
        }

        /** The error a SigV4 verifier answers for this refusal. */
        public ErrorCode sigV4Code() {
            return sigV4Code;
        }
    }

    private final Reason reason;

    public CredentialsRefused(Reason reason) {
        super(ErrorCode.ACCESS_DENIED, reason.message());
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
