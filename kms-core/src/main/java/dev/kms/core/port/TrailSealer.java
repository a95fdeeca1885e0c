package dev.kms.core.port;

/**
 * Seals digests of the audit trail with a key the service owns inside the HSM (an HMAC or a signature), so
 * that forging a valid chain needs the HSM. Failures surface as {@link dev.kms.core.error.KmsException}.
 */
public interface TrailSealer {

    /** The seal over {@code digest} (a SHA-256 value). */
    byte[] seal(byte[] digest);

    /** True when {@code seal} was made by this sealer's key over {@code digest}; compares in constant time. */
    boolean verify(byte[] digest, byte[] seal);

    /** Names the sealing key in digest records, so a verifier can tell which key to ask for. */
    String keyId();
}
