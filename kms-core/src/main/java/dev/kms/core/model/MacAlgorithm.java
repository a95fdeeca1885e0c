package dev.kms.core.model;

/** AWS KMS's MacAlgorithmSpec value set; which of them a key offers is its {@link KeySpec}'s. */
public enum MacAlgorithm {
    HMAC_SHA_224(28),
    HMAC_SHA_256(32),
    HMAC_SHA_384(48),
    HMAC_SHA_512(64);

    private final int length;

    MacAlgorithm(int length) {
        this.length = length;
    }

    /** Bytes of a MAC, which is also the key length AWS gives the HMAC key spec of this algorithm. */
    public int length() {
        return length;
    }
}
