package dev.kms.envelope;

import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.amazonaws.encryptionsdk.EncryptedDataKey;
import com.amazonaws.encryptionsdk.MasterKeyProvider;
import com.amazonaws.encryptionsdk.MasterKeyRequest;
import com.amazonaws.encryptionsdk.exception.UnsupportedProviderException;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The decrypting side: asks the key service to decrypt each {@code aws-kms} encrypted data key of a message with
 * the key ARN the message names, until one succeeds (the key service decides who may), as the SDK's KMS discovery
 * keyring does. Before it asks, the message's encryption context must hold what the caller requires.
 */
final class DiscoveryKeyProvider extends MasterKeyProvider<ServiceMasterKey> {
    private final DataKeyService service;
    private final RequiredContext required;

    DiscoveryKeyProvider(DataKeyService service, RequiredContext required) {
        this.service = Objects.requireNonNull(service, "service");
        this.required = Objects.requireNonNull(required, "required");
    }

    @Override
    public String getDefaultProviderId() {
        return ServiceMasterKey.PROVIDER_ID;
    }

    @Override
    public ServiceMasterKey getMasterKey(String provider, String keyId) {
        if (!ServiceMasterKey.PROVIDER_ID.equals(provider)) {
            throw new UnsupportedProviderException(provider);
        }
        return new ServiceMasterKey(service, keyId);
    }

    /** Decryption only: encryption uses a {@link ServiceMasterKey} of the chosen key directly. */
    @Override
    public List<ServiceMasterKey> getMasterKeysForEncryption(MasterKeyRequest request) {
        throw new UnsupportedOperationException("the discovery provider only decrypts");
    }

    /**
     * The first data key the service decrypts; when it decrypts none, the first refusal (AccessDeniedException, ...)
     * with the others suppressed, so the caller sees the service's own reason.
     */
    @Override
    public com.amazonaws.encryptionsdk.DataKey<ServiceMasterKey> decryptDataKey(
            CryptoAlgorithm algorithm, Collection<? extends EncryptedDataKey> encryptedDataKeys,
            Map<String, String> encryptionContext) {
        required.check(encryptionContext);
        ServiceCallFailed first = null;
        for (EncryptedDataKey edk : encryptedDataKeys) {
            if (!ServiceMasterKey.PROVIDER_ID.equals(edk.getProviderId())) {
                continue;
            }
            String keyArn = new String(edk.getProviderInformation(), StandardCharsets.UTF_8);
            try {
                var key = getMasterKey(ServiceMasterKey.PROVIDER_ID, keyArn)
                        .decryptDataKey(algorithm, List.of(edk), encryptionContext);
                if (key != null) {
                    return key;
                }
            } catch (ServiceCallFailed e) {
                if (first == null) {
                    first = e;
                } else {
                    first.serviceException().addSuppressed(e.serviceException());
                }
            }
        }
        if (first != null) {
            throw first;
        }
        throw new KmsException(ErrorCode.INVALID_CIPHERTEXT,
                "The message has no data key encrypted by a KMS key (provider " + ServiceMasterKey.PROVIDER_ID + ")");
    }
}
