package dev.kms.core.model;

/** AWS KMS's MacAlgorithmSpec value set; which of them a key offers is its {@link KeySpec}'s. */
public enum MacAlgorithm {
    HMAC_SHA_224,
    HMAC_SHA_256,
    HMAC_SHA_384,
    HMAC_SHA_512
}
