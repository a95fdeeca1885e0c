package dev.kms.pkcs11;

import dev.kms.core.model.MaterialId;
import org.xipki.pkcs11.wrapper.AttributeVector;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;

/**
 * The new-key control: the one place that states what every key the service creates may do
 * (style rule 6: token, sensitive, never extractable; encrypt/decrypt only), and how keys are found.
 */
final class KeyTemplates {
    static final int AES_256_BYTES = 32;

    private KeyTemplates() {
    }

    /** An AES-256 token key addressed by its material id; usable only for encrypt and decrypt. */
    static AttributeVector newAes256(MaterialId id, String label) {
        AttributeVector template = AttributeVector.newAESSecretKey()
                .valueLen(AES_256_BYTES)
                .token(true)
                .private_(true)
                .sensitive(true)
                .extractable(false)
                .encrypt(true)
                .decrypt(true)
                .wrap(false)
                .unwrap(false)
                .sign(false)
                .verify(false)
                .derive(false)
                .modifiable(false)
                .id(id.bytes());
        return label == null ? template : template.label(label);
    }

    /** Matches the secret key whose CKA_ID is the material id. */
    static AttributeVector secretKeyWithId(MaterialId id) {
        return new AttributeVector().class_(CKO_SECRET_KEY).id(id.bytes());
    }

    /** Matches every secret key visible to the logged-in user. */
    static AttributeVector allSecretKeys() {
        return new AttributeVector().class_(CKO_SECRET_KEY);
    }
}
