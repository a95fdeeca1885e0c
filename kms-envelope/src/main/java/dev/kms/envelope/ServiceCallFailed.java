package dev.kms.envelope;

import java.util.function.Supplier;

/**
 * Carries a key service failure (AccessDeniedException, NotFoundException, ...) through the Encryption SDK, so
 * {@link Envelope} can tell it from the SDK's own verdicts on the message and rethrow it unchanged.
 */
final class ServiceCallFailed extends RuntimeException {
    private ServiceCallFailed(RuntimeException cause) {
        super(cause.getMessage(), cause, false, false);
    }

    /** Runs one call of the key service, wrapping whatever it throws. */
    static <T> T pass(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw new ServiceCallFailed(e);
        }
    }

    /** The service's own exception. */
    RuntimeException serviceException() {
        return (RuntimeException) getCause();
    }
}
