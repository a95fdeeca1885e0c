package dev.kms.envelope;

import java.util.Map;

/**
 * The port to the key service that envelope encryption needs: GenerateDataKey and Decrypt with an encryption
 * context, as the AWS KMS API defines them. The CLI implements it on its KMS client, so one code path works on
 * KMS_HOME and against a server. Failures are the service's own exceptions, passed through to the caller.
 */
public interface DataKeyService {
    /** GenerateDataKey of {@code numberOfBytes} under {@code keyId} (key id, ARN or alias); the caller closes it. */
    DataKey generateDataKey(String keyId, Map<String, String> encryptionContext, int numberOfBytes);

    /** Decrypt of a data key's ciphertext blob, refused unless it was made under {@code keyArn}; the caller closes it. */
    DataKey decrypt(String keyArn, byte[] ciphertextBlob, Map<String, String> encryptionContext);
}
