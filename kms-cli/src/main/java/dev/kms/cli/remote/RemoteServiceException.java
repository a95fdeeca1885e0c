package dev.kms.cli.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.cli.Params;

import java.util.Objects;

/**
 * An error a server answered (--endpoint-url): its AWS error name and message, printed as the same
 * {@code {"__type": ..., "message": ...}} line as a local service error. Its names include those only the wire
 * has (InvalidSignatureException, ThrottlingException, ...), so it is not a KmsException.
 */
public final class RemoteServiceException extends RuntimeException {
    private final String type;
    private final int status;

    RemoteServiceException(String type, String message, int status) {
        super(message);
        this.type = Objects.requireNonNull(type, "type");
        this.status = status;
    }

    /** The AWS error name, e.g. NotFoundException. */
    String type() {
        return type;
    }

    /** The HTTP status the server answered with. */
    int status() {
        return status;
    }

    /** The error body as the CLI prints it: {@code __type} then {@code message}. */
    public ObjectNode body() {
        ObjectNode body = Params.NODES.objectNode();
        body.put("__type", type);
        body.put("message", getMessage());
        return body;
    }
}
