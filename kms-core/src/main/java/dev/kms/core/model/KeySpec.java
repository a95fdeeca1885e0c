package dev.kms.core.model;

import java.util.List;

/**
 * What kind of key material backs a key. Only SYMMETRIC_DEFAULT is offered today; HMAC, RSA and ECC
 * specs join this enum with their own usages and algorithms, and the HSM port creates material by spec.
 */
public enum KeySpec {
    SYMMETRIC_DEFAULT(KeyUsage.ENCRYPT_DECRYPT, List.of("SYMMETRIC_DEFAULT"));

    private final KeyUsage usage;
    private final List<String> encryptionAlgorithms;

    KeySpec(KeyUsage usage, List<String> encryptionAlgorithms) {
        this.usage = usage;
        this.encryptionAlgorithms = encryptionAlgorithms;
    }

    public boolean supports(KeyUsage requested) {
        return usage == requested;
    }

    public KeyUsage defaultUsage() {
        return usage;
    }

    public List<String> encryptionAlgorithms() {
        return encryptionAlgorithms;
    }

    /** Only symmetric encryption keys have rotatable material in AWS KMS. */
    public boolean rotatable() {
        return this == SYMMETRIC_DEFAULT;
    }
}
