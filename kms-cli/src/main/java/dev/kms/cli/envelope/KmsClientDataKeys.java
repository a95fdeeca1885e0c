package dev.kms.cli.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.cli.CliException;
import dev.kms.cli.KmsClient;
import dev.kms.cli.Params;
import dev.kms.envelope.DataKey;
import dev.kms.envelope.DataKeyService;

import java.util.Base64;
import java.util.Map;

/**
 * The envelope port on the CLI's client: GenerateDataKey and Decrypt as the same AWS JSON requests the
 * generate-data-key and decrypt commands send, locally on KMS_HOME or to a server. The plaintext arrives as
 * base64 text in the JSON response; its decoded bytes are handed over (and cleared by the envelope), but the
 * response's immutable string cannot be cleared and lives until the garbage collector reclaims it.
 */
final class KmsClientDataKeys implements DataKeyService {
    private final KmsClient client;

    KmsClientDataKeys(KmsClient client) {
        this.client = client;
    }

    @Override
    public DataKey generateDataKey(String keyId, Map<String, String> encryptionContext, int numberOfBytes) {
        ObjectNode request = Params.NODES.objectNode().put("KeyId", keyId).put("NumberOfBytes", numberOfBytes);
        request.set("EncryptionContext", context(encryptionContext));
        ObjectNode response = client.call("GenerateDataKey", request);
        return dataKey(response, blob(response, "CiphertextBlob"));
    }

    @Override
    public DataKey decrypt(String keyArn, byte[] ciphertextBlob, Map<String, String> encryptionContext) {
        ObjectNode request = Params.NODES.objectNode().put("KeyId", keyArn)
                .put("CiphertextBlob", Base64.getEncoder().encodeToString(ciphertextBlob));
        request.set("EncryptionContext", context(encryptionContext));
        return dataKey(client.call("Decrypt", request), ciphertextBlob);
    }

    private static DataKey dataKey(ObjectNode response, byte[] ciphertextBlob) {
        byte[] plaintext = blob(response, "Plaintext");
        response.remove("Plaintext");
        return new DataKey(response.path("KeyId").asText(), ciphertextBlob, plaintext);
    }

    private static ObjectNode context(Map<String, String> encryptionContext) {
        ObjectNode node = Params.NODES.objectNode();
        encryptionContext.forEach(node::put);
        return node;
    }

    private static byte[] blob(JsonNode response, String member) {
        JsonNode value = response.path(member);
        if (!value.isTextual()) {
            throw new CliException("the key service's response lacks " + member);
        }
        return Base64.getDecoder().decode(value.asText());
    }
}
