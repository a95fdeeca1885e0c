package dev.kms.core.model;

/**
 * AWS KMS's EncryptionAlgorithmSpec value set, in the order AWS lists it (validation messages print it so). Which
 * of them a key offers is its {@link KeySpec}'s.
 */
public enum EncryptionAlgorithm {
    SYMMETRIC_DEFAULT,
    RSAES_OAEP_SHA_1,
    RSAES_OAEP_SHA_256,
    SM2PKE
}
