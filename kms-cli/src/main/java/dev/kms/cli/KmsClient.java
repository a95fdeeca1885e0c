package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a key command sends its AWS JSON request: the embedded service of KMS_HOME ({@link KmsSession}) or a
 * server over HTTP ({@link dev.kms.cli.remote.HttpKmsClient}, with --endpoint-url). Both answer the same JSON,
 * so the output does not depend on which one ran the command.
 */
public interface KmsClient {
    /** Runs one operation ({@code CreateKey}, ...) and returns its response. */
    ObjectNode call(String operation, JsonNode request);
}
