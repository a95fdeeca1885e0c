package dev.kms.cli;

/**
 * A problem with the local setup rather than with a request: a missing or invalid config.properties,
 * an unreadable PIN, a process started without the SOFTHSM2_CONF its embedded token needs.
 */
final class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
