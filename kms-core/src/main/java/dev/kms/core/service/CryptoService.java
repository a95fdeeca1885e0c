package dev.kms.core.service;

import dev.kms.core.ciphertext.CiphertextBlob;
import dev.kms.core.ciphertext.EncryptionContext;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.EncryptionAlgorithm;
import dev.kms.core.model.KeyMaterial;
import dev.kms.core.model.KeyRef;
import dev.kms.core.model.KeyUsage;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.MacAlgorithm;
import dev.kms.core.operation.Action;
import dev.kms.core.operation.KmsOperation;
import dev.kms.core.policy.ConditionKeys;
import dev.kms.core.port.Hsm;
import dev.kms.core.secret.Plaintext;
import dev.kms.core.service.CryptoResults.DataKey;
import dev.kms.core.service.CryptoResults.Decrypted;
import dev.kms.core.service.CryptoResults.Encrypted;
import dev.kms.core.service.CryptoResults.Mac;
import dev.kms.core.service.CryptoResults.ReEncrypted;

import java.util.Map;
import java.util.UUID;

/**
 * Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext), GenerateRandom, GenerateMac and VerifyMac, all
 * inside the HSM.
 */
public final class CryptoService {
    static final int MAX_PLAINTEXT = 4096;
    static final int MAX_RANDOM_BYTES = 1024;
    static final int MAX_MAC_MESSAGE = 4096;
    static final int MAX_MAC = 6144;

    private final KeyRepository keys;
    private final Hsm hsm;

    CryptoService(KeyRepository keys, Hsm hsm) {
        this.keys = keys;
        this.hsm = hsm;
    }

    public Encrypted encrypt(RequestContext caller, KeyRef keyRef, byte[] plaintext, Map<String, String> context,
                             EncryptionAlgorithm algorithm) {
        if (plaintext == null || plaintext.length < 1 || plaintext.length > MAX_PLAINTEXT) {
            throw KmsException.validation("plaintext", "Member must have length between 1 and " + MAX_PLAINTEXT);
        }
        EncryptionContext ctx = EncryptionContext.of(context, "encryptionContext");
        KmsKey key = keys.resolveAuthorized(caller, keyRef, "keyId", KmsOperation.ENCRYPT.action(), conditions(ctx));
        EncryptionAlgorithm alg = requireAlgorithm(key, algorithm);
        return new Encrypted(keys.arn(key), seal(key, plaintext, ctx), alg);
    }

    public Decrypted decrypt(RequestContext caller, byte[] ciphertextBlob, Map<String, String> context, KeyRef keyRef,
                             EncryptionAlgorithm algorithm) {
        EncryptionContext ctx = EncryptionContext.of(context, "encryptionContext");
        Opened opened = open(caller, KmsOperation.DECRYPT.action(), ciphertextBlob, ctx, keyRef, algorithm, "keyId");
        return new Decrypted(keys.arn(opened.key()), opened.plaintext(), opened.algorithm());
    }

    public ReEncrypted reEncrypt(RequestContext caller, byte[] ciphertextBlob, Map<String, String> sourceContext,
                                 KeyRef sourceKeyRef, KeyRef destinationKeyRef, Map<String, String> destinationContext,
                                 EncryptionAlgorithm sourceAlgorithm, EncryptionAlgorithm destinationAlgorithm) {
        EncryptionContext sourceCtx = EncryptionContext.of(sourceContext, "sourceEncryptionContext");
        EncryptionContext destinationCtx = EncryptionContext.of(destinationContext, "destinationEncryptionContext");
        KmsKey destination = keys.resolveAuthorized(caller, destinationKeyRef, "destinationKeyId", KmsOperation.RE_ENCRYPT_TO,
                conditions(destinationCtx));
        EncryptionAlgorithm destinationAlg = requireAlgorithm(destination, destinationAlgorithm);
        Opened opened = open(caller, KmsOperation.RE_ENCRYPT_FROM, ciphertextBlob, sourceCtx, sourceKeyRef, sourceAlgorithm,
                "sourceKeyId");
        try (Plaintext plaintext = opened.plaintext()) {
            byte[] blob = seal(destination, plaintext.bytes(), destinationCtx);
            return new ReEncrypted(keys.arn(opened.key()), keys.arn(destination), blob, opened.algorithm(), destinationAlg);
        }
    }

    /** GenerateDataKey when {@code withPlaintext}, else GenerateDataKeyWithoutPlaintext. */
    public DataKey generateDataKey(RequestContext caller, KeyRef keyRef, Map<String, String> context,
                                   DataKeySpec keySpec, Integer numberOfBytes, boolean withPlaintext) {
        int length = dataKeyLength(keySpec, numberOfBytes);
        EncryptionContext ctx = EncryptionContext.of(context, "encryptionContext");
        Action action = withPlaintext ? KmsOperation.GENERATE_DATA_KEY.action() : KmsOperation.GENERATE_DATA_KEY_WITHOUT_PLAINTEXT.action();
        KmsKey key = keys.resolveAuthorized(caller, keyRef, "keyId", action, conditions(ctx));
        requireAlgorithm(key, null);
        Plaintext dataKey = Plaintext.adopt(hsm.generateRandom(length));
        try {
            byte[] blob = seal(key, dataKey.bytes(), ctx);
            if (withPlaintext) {
                return new DataKey(keys.arn(key), blob, dataKey);
            }
            dataKey.destroy();
            return new DataKey(keys.arn(key), blob, null);
        } catch (RuntimeException e) {
            dataKey.destroy();
            throw e;
        }
    }

    public Plaintext generateRandom(RequestContext caller, Integer numberOfBytes) {
        if (numberOfBytes == null || numberOfBytes < 1 || numberOfBytes > MAX_RANDOM_BYTES) {
            throw KmsException.validation("numberOfBytes", "Member must have value between 1 and " + MAX_RANDOM_BYTES);
        }
        keys.authorizer().authorizeAccountAction(caller, KmsOperation.GENERATE_RANDOM.action());
        return Plaintext.adopt(hsm.generateRandom(numberOfBytes));
    }

    /** The HMAC of {@code message} under an HMAC key, computed in the token. */
    public Mac generateMac(RequestContext caller, KeyRef keyRef, byte[] message, MacAlgorithm algorithm) {
        requireMessage(message);
        KmsKey key = macKey(caller, keyRef, KmsOperation.GENERATE_MAC.action(), algorithm);
        return new Mac(keys.arn(key), hsm.mac(key.currentMaterial().id(), algorithm, message), algorithm);
    }

    /**
     * Checks {@code mac} against {@code message} inside the token; a mismatch is KMSInvalidMacException, as AWS
     * answers it, so a caller cannot mistake a refusal for a pass.
     */
    public Mac verifyMac(RequestContext caller, KeyRef keyRef, byte[] message, MacAlgorithm algorithm, byte[] mac) {
        requireMessage(message);
        if (mac == null || mac.length < 1 || mac.length > MAX_MAC) {
            throw KmsException.validation("mac", "Member must have length between 1 and " + MAX_MAC);
        }
        KmsKey key = macKey(caller, keyRef, KmsOperation.VERIFY_MAC.action(), algorithm);
        if (!hsm.verifyMac(key.currentMaterial().id(), algorithm, message, mac)) {
            throw new KmsException(ErrorCode.INVALID_MAC, "The MAC does not match the message, the key and the"
                    + " MAC algorithm.");
        }
        return new Mac(keys.arn(key), mac, algorithm);
    }

    private static void requireMessage(byte[] message) {
        if (message == null || message.length < 1 || message.length > MAX_MAC_MESSAGE) {
            throw KmsException.validation("message", "Member must have length between 1 and " + MAX_MAC_MESSAGE);
        }
    }

    /** A usable HMAC key of {@code algorithm}, authorized for {@code action} with kms:MacAlgorithm. */
    private KmsKey macKey(RequestContext caller, KeyRef keyRef, Action action, MacAlgorithm algorithm) {
        if (algorithm == null) {
            throw KmsException.validation("macAlgorithm", "Member must not be null");
        }
        KmsKey key = keys.resolveAuthorized(caller, keyRef, "keyId", action,
                ConditionKeys.builder().put(ConditionKeys.MAC_ALGORITHM, algorithm.name()));
        if (key.keyUsage() != KeyUsage.GENERATE_VERIFY_MAC) {
            throw new KmsException(ErrorCode.INVALID_KEY_USAGE,
                    "Key usage of the key is " + key.keyUsage() + ", not GENERATE_VERIFY_MAC.");
        }
        if (!key.keySpec().macAlgorithms().contains(algorithm)) {
            throw new KmsException(ErrorCode.INVALID_KEY_USAGE,
                    "MAC algorithm " + algorithm + " is not supported by a " + key.keySpec() + " key.");
        }
        key.state().requireUsable(keys.arn(key));
        return key;
    }

    private byte[] seal(KmsKey key, byte[] plaintext, EncryptionContext ctx) {
        key.state().requireUsable(keys.arn(key));
        KeyMaterial material = key.currentMaterial();
        byte[] header = CiphertextBlob.header(keys.deployment().region(), key.accountId(), UUID.fromString(key.keyId()),
                material.id());
        Hsm.AeadCiphertext sealed = hsm.encrypt(material.id(), plaintext, CiphertextBlob.associatedData(header, ctx));
        return CiphertextBlob.encode(header, sealed);
    }

    /**
     * Opens a blob: the key is resolved from the blob itself, so KeyId is optional, and the caller is
     * authorized against that key. A blob from another region, or naming an unknown key or material,
     * fails exactly like a tampered one (docs/ciphertext-format.md, "Decryption and errors").
     */
    private Opened open(RequestContext caller, Action action, byte[] blob, EncryptionContext ctx, KeyRef keyRef,
                        EncryptionAlgorithm algorithm, String keyField) {
        if (blob == null || blob.length < 1 || blob.length > CiphertextBlob.MAX_LENGTH) {
            throw KmsException.validation("ciphertextBlob", "Member must have length between 1 and " + CiphertextBlob.MAX_LENGTH);
        }
        CiphertextBlob parsed = CiphertextBlob.decode(blob);
        if (!parsed.region().equals(keys.deployment().region())) {
            throw CiphertextBlob.invalid();
        }
        KmsKey key = keys.store().findKey(parsed.keyId().toString())
                .filter(k -> k.accountId().equals(parsed.accountId()))
                .orElseThrow(CiphertextBlob::invalid);
        ConditionKeys.Builder conditions = conditions(ctx);
        if (keyRef != null) {
            String alias = keyRef.aliasName();
            if (alias != null) {
                conditions.put(ConditionKeys.REQUEST_ALIAS, alias);
            }
        }
        keys.authorizer().authorize(caller, action, key, conditions);
        if (keyRef != null && !keys.resolve(caller, keyRef, keyField, action).keyId().equals(key.keyId())) {
            throw new KmsException(ErrorCode.INCORRECT_KEY,
                    "The key ID in the request does not identify the key that encrypted the ciphertext.");
        }
        EncryptionAlgorithm alg = requireAlgorithm(key, algorithm);
        key.state().requireUsable(keys.arn(key));
        KeyMaterial material = key.material(parsed.materialId());
        if (material == null) {
            throw CiphertextBlob.invalid();
        }
        try {
            byte[] plaintext = hsm.decrypt(material.id(), parsed.sealed(), CiphertextBlob.associatedData(parsed.header(), ctx));
            return new Opened(key, Plaintext.adopt(plaintext), alg);
        } catch (KmsException e) {
            // The HSM's own wording would tell a failed tag apart from the checks above.
            throw e.code() == ErrorCode.INVALID_CIPHERTEXT ? CiphertextBlob.invalid() : e;
        }
    }

    private static ConditionKeys.Builder conditions(EncryptionContext ctx) {
        return ConditionKeys.builder().encryptionContext(ctx.asMap());
    }

    private static EncryptionAlgorithm requireAlgorithm(KmsKey key, EncryptionAlgorithm algorithm) {
        if (key.keyUsage() != KeyUsage.ENCRYPT_DECRYPT) {
            throw new KmsException(ErrorCode.INVALID_KEY_USAGE, "Key usage of the key is " + key.keyUsage() + ", not ENCRYPT_DECRYPT.");
        }
        EncryptionAlgorithm alg = algorithm == null ? EncryptionAlgorithm.SYMMETRIC_DEFAULT : algorithm;
        if (!key.keySpec().encryptionAlgorithms().contains(alg)) {
            throw new KmsException(ErrorCode.INVALID_KEY_USAGE,
                    "Encryption algorithm " + alg + " is not supported by a " + key.keySpec() + " key.");
        }
        return alg;
    }

    private static int dataKeyLength(DataKeySpec keySpec, Integer numberOfBytes) {
        if ((keySpec == null) == (numberOfBytes == null)) {
            throw KmsException.validation("keySpec", "Specify exactly one of KeySpec or NumberOfBytes");
        }
        if (keySpec != null) {
            return keySpec.bytes();
        }
        if (numberOfBytes < 1 || numberOfBytes > MAX_RANDOM_BYTES) {
            throw KmsException.validation("numberOfBytes", "Member must have value between 1 and " + MAX_RANDOM_BYTES);
        }
        return numberOfBytes;
    }

    private record Opened(KmsKey key, Plaintext plaintext, EncryptionAlgorithm algorithm) {
    }
}
