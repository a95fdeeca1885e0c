package dev.kms.cli;

import dev.kms.node.NodeException;

/** A usage or setup problem the CLI finds itself (conflicting options, missing credentials), shown as its message. */
public final class CliException extends NodeException {
    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
