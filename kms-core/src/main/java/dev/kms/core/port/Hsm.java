package dev.kms.core.port;

import dev.kms.core.model.KeySpec;
import dev.kms.core.model.MacAlgorithm;
import dev.kms.core.model.MaterialId;

import java.util.List;

/**
 * The hardware security module: creates, uses and destroys key material that never leaves it.
 * Implementations are safe for concurrent use. Failures surface as {@link dev.kms.core.error.KmsException}.
 */
public interface Hsm {

    /**
     * Generates a new sensitive, non-extractable key of {@code spec} inside the token: an AES-256 key for
     * SYMMETRIC_DEFAULT, an HMAC key of the hash's length for HMAC_224 to HMAC_512.
     */
    void generateKey(MaterialId id, KeySpec spec, String label);

    /** AES-GCM encryption inside the token under a fresh IV; a key of another spec raises InvalidKeyUsageException. */
    AeadCiphertext encrypt(MaterialId id, byte[] plaintext, byte[] associatedData);

    /**
     * AES-GCM decryption inside the token. A failed tag check raises InvalidCiphertextException, a key of
     * another spec InvalidKeyUsageException, and a material missing from the token KeyUnavailableException.
     */
    byte[] decrypt(MaterialId id, AeadCiphertext ciphertext, byte[] associatedData);

    /**
     * The {@code algorithm} MAC of {@code data} inside the token under an HMAC key (the caller matches the algorithm
     * to the key's spec). A key of another kind raises InvalidKeyUsageException; a material missing from the token
     * raises KeyUnavailableException.
     */
    byte[] mac(MaterialId id, MacAlgorithm algorithm, byte[] data);

    /**
     * Whether {@code mac} is the {@code algorithm} MAC of {@code data}, checked inside the token or in constant
     * time. A wrong MAC of any length is {@code false}; key errors are raised as for {@link #mac}.
     */
    boolean verifyMac(MaterialId id, MacAlgorithm algorithm, byte[] data, byte[] mac);

    /** HMAC-SHA-256 under an HMAC_256 key, as the service's own keys (the audit seal) use it. */
    default byte[] mac(MaterialId id, byte[] data) {
        return mac(id, MacAlgorithm.HMAC_SHA_256, data);
    }

    /** {@link #verifyMac(MaterialId, MacAlgorithm, byte[], byte[])} with HMAC-SHA-256. */
    default boolean verifyMac(MaterialId id, byte[] data, byte[] mac) {
        return verifyMac(id, MacAlgorithm.HMAC_SHA_256, data, mac);
    }

    /** Random bytes from the token's generator. */
    byte[] generateRandom(int length);

    /** Destroys the token object of a material; absent objects are not an error. */
    void destroyKey(MaterialId id);

    /** Every secret-key object in the token, with its CKA_ID (null when not a material id) and label. */
    List<TokenObject> listKeys();

    /**
     * Objects a process killed while the token was writing them left half-written: they carry no key material
     * and are never listed by {@link #listKeys()} nor used as a key. Their id and label are null when unreadable.
     */
    List<TokenObject> incompleteObjects();

    /** Destroys every object {@link #incompleteObjects()} lists; answers how many were destroyed. */
    int destroyIncompleteObjects();

    /** What the token is and what it can do, for operators. */
    HsmStatus status();

    /** The IV and the ciphertext followed by its 16-byte tag. */
    record AeadCiphertext(byte[] iv, byte[] ciphertextAndTag) {
        public static final int IV_LENGTH = 12;
        public static final int TAG_LENGTH = 16;
    }

    /** One secret-key object found in the token. */
    record TokenObject(MaterialId id, String label) {
    }

    /** Library, token and capability details of the HSM. */
    record HsmStatus(String library, String libraryDescription, String tokenLabel, String tokenSerial,
                     String tokenModel, List<String> mechanisms, int objectCount) {
    }
}
