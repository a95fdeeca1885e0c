package dev.kms.node;

/**
 * A problem with the local setup rather than with a request: a missing or invalid config.properties, an
 * unreadable PIN, a process started without the SOFTHSM2_CONF its embedded token needs. Shown to the operator
 * as its message alone ({@code kms: ...}).
 */
public class NodeException extends RuntimeException {
    public NodeException(String message) {
        super(message);
    }

    public NodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
