package dev.kms.cli;

import dev.kms.node.NodeException;

/** A usage or setup problem the CLI finds itself (conflicting options, missing credentials), shown as its message. */
final class CliException extends NodeException {
    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
