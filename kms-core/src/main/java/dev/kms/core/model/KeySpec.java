package dev.kms.core.model;

import java.util.List;

/**
 * What kind of key material backs a key. Customers are offered SYMMETRIC_DEFAULT; HMAC_256 backs the
 * service's own MAC keys until GenerateMac/VerifyMac are served. RSA and ECC specs join this enum with
 * their own usages and algorithms, and the HSM port creates material by spec.
 */
public enum KeySpec {
    SYMMETRIC_DEFAULT(KeyUsage.ENCRYPT_DECRYPT, List.of(EncryptionAlgorithm.SYMMETRIC_DEFAULT), List.of(), true),
    HMAC_256(KeyUsage.GENERATE_VERIFY_MAC, List.of(), List.of(MacAlgorithm.HMAC_SHA_256), false);

    private final KeyUsage usage;
    private final List<EncryptionAlgorithm> encryptionAlgorithms;
    private final List<MacAlgorithm> macAlgorithms;
    private final boolean offeredToCustomers;

    KeySpec(KeyUsage usage, List<EncryptionAlgorithm> encryptionAlgorithms, List<MacAlgorithm> macAlgorithms,
            boolean offeredToCustomers) {
        this.usage = usage;
        this.encryptionAlgorithms = encryptionAlgorithms;
        this.macAlgorithms = macAlgorithms;
        this.offeredToCustomers = offeredToCustomers;
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

    /** Whether CreateKey gives customers keys of this spec; the others exist for the service's own keys. */
    public boolean offeredToCustomers() {
        return offeredToCustomers;
    }

    /** Only symmetric encryption keys have rotatable material in AWS KMS. */
    public boolean rotatable() {
        return this == SYMMETRIC_DEFAULT;
    }
}
