package dev.kms.core.error;

/** The one exception family of the domain: an AWS error name plus a message safe to show the caller. */
public class KmsException extends RuntimeException {
    private final ErrorCode code;

    public KmsException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public KmsException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static KmsException validation(String field, String rule) {
        return new KmsException(ErrorCode.VALIDATION,
                "1 validation error detected: Value at '" + field + "' failed to satisfy constraint: " + rule);
    }

    public static KmsException notFound(String what) {
        return new KmsException(ErrorCode.NOT_FOUND, what + " does not exist");
    }
}
