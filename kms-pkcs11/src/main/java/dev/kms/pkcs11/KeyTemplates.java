package dev.kms.pkcs11;

import dev.kms.core.model.MacAlgorithm;
import dev.kms.core.model.MaterialId;
import org.xipki.pkcs11.wrapper.AttributeVector;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKK_GENERIC_SECRET;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;

/**
 * The new-key control: the one place that states what every key the service creates may do
 * (style rule 6: token, sensitive, never extractable; one usage per key type), and how keys are found.
 */
final class KeyTemplates {
    static final int AES_256_BYTES = 32;

    private KeyTemplates() {
    }

    /** An AES-256 token key addressed by its material id; usable only for encrypt and decrypt. */
    static AttributeVector newAes256(MaterialId id, String label) {
        return newKey(AttributeVector.newAESSecretKey().valueLen(AES_256_BYTES), true, false, id, label);
    }

    /**
     * A generic-secret token key for {@code algorithm}, addressed by its material id; usable only for HMAC sign and
     * verify. It is as long as the hash (AWS's HMAC key lengths; RFC 2104's recommended minimum, which SoftHSM2
     * enforces).
     */
    static AttributeVector newHmac(MaterialId id, MacAlgorithm algorithm, String label) {
        return newKey(AttributeVector.newSecretKey(CKK_GENERIC_SECRET).valueLen(algorithm.length()), false, true, id,
                label);
    }

    private static AttributeVector newKey(AttributeVector type, boolean encryptDecrypt, boolean signVerify,
                                          MaterialId id, String label) {
        AttributeVector template = type
                .token(true)
                .private_(true)
                .sensitive(true)
                .extractable(false)
                .encrypt(encryptDecrypt)
                .decrypt(encryptDecrypt)
                .wrap(false)
                .unwrap(false)
                .sign(signVerify)
                .verify(signVerify)
                .derive(false)
                .modifiable(false)
                .id(id.bytes());
        return label == null ? template : template.label(label);
    }

    /** Matches the secret key whose CKA_ID is the material id. */
    static AttributeVector secretKeyWithId(MaterialId id) {
        return new AttributeVector().class_(CKO_SECRET_KEY).id(id.bytes());
    }

    /**
     * True for a secret key whose key length reads 0: the defaults SoftHSM2 writes before the template and the
     * value, left by a process killed mid-creation. Keys of fixed length (DES) have no CKA_VALUE_LEN at all.
     */
    static boolean isHalfWritten(AttributeVector secretKey) {
        Integer length = secretKey.valueLen();
        return length != null && length == 0;
    }

    /** Matches every secret key visible to the logged-in user. */
    static AttributeVector allSecretKeys() {
        return new AttributeVector().class_(CKO_SECRET_KEY);
    }
}
