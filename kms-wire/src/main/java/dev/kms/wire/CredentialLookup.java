package dev.kms.wire;

import dev.kms.core.identity.Principal;

/**
 * Where {@link SigV4Verifier} finds who an access key belongs to and the secret to recompute its signatures.
 * Implementations throw {@link dev.kms.core.error.KmsException} (UnrecognizedClientException, ExpiredTokenException) for a key that
 * may not be used.
 */
public interface CredentialLookup {
    /** The principal of a key usable now; {@code sessionToken} is null for a long-term key. */
    Principal principalOf(String accessKeyId, String sessionToken);

    /** A fresh copy of the key's secret, which the caller clears as soon as it has derived its signing key. */
    char[] secretOf(String accessKeyId);
}
