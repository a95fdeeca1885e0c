package dev.kms.core.port;

import dev.kms.core.model.KeySpec;
import dev.kms.core.model.MaterialId;

import java.util.List;

/**
 * The hardware security module: creates, uses and destroys key material that never leaves it.
 * Implementations are safe for concurrent use. Failures surface as {@link dev.kms.core.error.KmsException}.
 */
public interface Hsm {

    /** Generates a new sensitive, non-extractable key of {@code spec} inside the token. */
    void generateKey(MaterialId id, KeySpec spec, String label);

    /** AES-GCM encryption inside the token under a fresh IV. */
    AeadCiphertext encrypt(MaterialId id, byte[] plaintext, byte[] associatedData);

    /**
     * AES-GCM decryption inside the token. A failed tag check raises InvalidCiphertextException;
     * a material missing from the token raises KeyUnavailableException.
     */
    byte[] decrypt(MaterialId id, AeadCiphertext ciphertext, byte[] associatedData);

    /** Random bytes from the token's generator. */
    byte[] generateRandom(int length);

    /** Destroys the token object of a material; absent objects are not an error. */
    void destroyKey(MaterialId id);

    /** Every secret-key object in the token, with its CKA_ID (null when not a material id) and label. */
    List<TokenObject> listKeys();

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
