package dev.kms.envelope;

import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.EncryptedDataKey;
import com.amazonaws.encryptionsdk.MasterKey;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * One KMS key as the Encryption SDK's master key, written as the SDK's own KMS master key and KMS keyring write
 * it, so either reads what the other wrote: provider id {@code aws-kms}, provider info the key ARN that
 * GenerateDataKey returned, encrypted data key the CiphertextBlob. The SDK copies the plaintext data key into its
 * own {@link SecretKeySpec}; the array the service returned is cleared at once.
 */
final class ServiceMasterKey extends MasterKey<ServiceMasterKey> {
    /** The provider id of AWS KMS in the message format's encrypted data keys. */
    static final String PROVIDER_ID = "aws-kms";

    private final DataKeyService service;
    private final String keyId;

    ServiceMasterKey(DataKeyService service, String keyId) {
        this.service = Objects.requireNonNull(service, "service");
        this.keyId = Objects.requireNonNull(keyId, "keyId");
    }

    @Override
    public String getProviderId() {
        return PROVIDER_ID;
    }

    @Override
    public String getKeyId() {
        return keyId;
    }

    @Override
    public com.amazonaws.encryptionsdk.DataKey<ServiceMasterKey> generateDataKey(
            CryptoAlgorithm algorithm, Map<String, String> encryptionContext) {
        try (DataKey key = ServiceCallFailed.pass(
                () -> service.generateDataKey(keyId, encryptionContext, algorithm.getDataKeyLength()))) {
            return sdkDataKey(algorithm, key, key.ciphertextBlob());
        }
    }

    /** Never called: a message here has exactly one encrypted data key, made by {@link #generateDataKey}. */
    @Override
    public com.amazonaws.encryptionsdk.DataKey<ServiceMasterKey> encryptDataKey(
            CryptoAlgorithm algorithm, Map<String, String> encryptionContext,
            com.amazonaws.encryptionsdk.DataKey<?> dataKey) {
        throw new UnsupportedOperationException("kms-envelope encrypts a data key under one KMS key only");
    }

    /** Decrypts the first of {@code encryptedDataKeys} that names this key; the service's refusal is thrown as is. */
    @Override
    public com.amazonaws.encryptionsdk.DataKey<ServiceMasterKey> decryptDataKey(
            CryptoAlgorithm algorithm, Collection<? extends EncryptedDataKey> encryptedDataKeys,
            Map<String, String> encryptionContext) {
        for (EncryptedDataKey edk : encryptedDataKeys) {
            if (PROVIDER_ID.equals(edk.getProviderId())
                    && keyId.equals(new String(edk.getProviderInformation(), StandardCharsets.UTF_8))) {
                try (DataKey key = ServiceCallFailed.pass(
                        () -> service.decrypt(keyId, edk.getEncryptedDataKey(), encryptionContext))) {
                    // As the SDK's KmsMasterKey: the service must say the data key was encrypted under this key.
                    if (!keyId.equals(key.keyArn())) {
                        throw new IllegalStateException("Decrypt returned a data key of " + key.keyArn()
                                + ", not of " + keyId);
                    }
                    return sdkDataKey(algorithm, key, edk.getEncryptedDataKey());
                }
            }
        }
        return null;
    }

    private com.amazonaws.encryptionsdk.DataKey<ServiceMasterKey> sdkDataKey(
            CryptoAlgorithm algorithm, DataKey key, byte[] encryptedDataKey) {
        byte[] plaintext = key.plaintext();
        if (plaintext.length != algorithm.getDataKeyLength()) {
            throw new IllegalStateException("the key service returned a data key of " + plaintext.length
                    + " bytes for a suite that needs " + algorithm.getDataKeyLength());
        }
        // SecretKeySpec keeps its own copy; the caller's try-with-resources clears the service's array.
        SecretKeySpec secret = new SecretKeySpec(plaintext, algorithm.getDataKeyAlgo());
        return new com.amazonaws.encryptionsdk.DataKey<>(secret, encryptedDataKey,
                key.keyArn().getBytes(StandardCharsets.UTF_8), this);
    }
}
