package dev.kms.core.model;

import java.util.List;

/**
 * What kind of key material backs a key, with AWS's usage and algorithms for it. RSA and ECC specs join this enum
 * with their own usages and algorithms, and the HSM port creates material by spec.
 */
public enum KeySpec {
    SYMMETRIC_DEFAULT(KeyUsage.ENCRYPT_DECRYPT, List.of(EncryptionAlgorithm.SYMMETRIC_DEFAULT), List.of()),
    HMAC_224(KeyUsage.GENERATE_VERIFY_MAC, List.of(), List.of(MacAlgorithm.HMAC_SHA_224)),
    HMAC_256(KeyUsage.GENERATE_VERIFY_MAC, List.of(), List.of(MacAlgorithm.HMAC_SHA_256)),
    HMAC_384(KeyUsage.GENERATE_VERIFY_MAC, List.of(), List.of(MacAlgorithm.HMAC_SHA_384)),
    HMAC_512(KeyUsage.GENERATE_VERIFY_MAC, List.of(), List.of(MacAlgorithm.HMAC_SHA_512));

    private final KeyUsage usage;
    private final List<EncryptionAlgorithm> encryptionAlgorithms;
    private final List<MacAlgorithm> macAlgorithms;

    KeySpec(KeyUsage usage, List<EncryptionAlgorithm> encryptionAlgorithms, List<MacAlgorithm> macAlgorithms) {
        this.usage = usage;
        this.encryptionAlgorithms = encryptionAlgorithms;
        this.macAlgorithms = macAlgorithms;
    }

    public boolean supports(KeyUsage requested) {
        return usage == requested;
    }

    public KeyUsage defaultUsage() {
        return usage;
    }

    /** The AWS EncryptionAlgorithms of the spec; empty when it cannot encrypt. */
    public List<EncryptionAlgorithm> encryptionAlgorithms() {
        return encryptionAlgorithms;
    }

    /** The AWS MacAlgorithms of the spec; empty when it cannot compute MACs. */
    public List<MacAlgorithm> macAlgorithms() {
        return macAlgorithms;
    }

    /** Only symmetric encryption keys have rotatable material in AWS KMS. */
    public boolean rotatable() {
        return this == SYMMETRIC_DEFAULT;
    }
}
