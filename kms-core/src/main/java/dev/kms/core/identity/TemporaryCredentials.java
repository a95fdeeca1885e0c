package dev.kms.core.identity;

import dev.kms.core.secret.Secret;
import java.time.Instant;
import java.util.Objects;

/**
 * What AssumeRole returns: the temporary key id, its secret and session token (shown this once; close to
 * zeroize them), the expiry, and the session's ARN and id ({@code AROA...:SESSION}). Prints without secrets.
 */
public record TemporaryCredentials(String accessKeyId, Secret secretAccessKey, Secret sessionToken, Instant expiration,
                                   String assumedRoleArn, String assumedRoleId) implements AutoCloseable {
    public TemporaryCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(sessionToken, "sessionToken");
        Objects.requireNonNull(expiration, "expiration");
        Objects.requireNonNull(assumedRoleArn, "assumedRoleArn");
        Objects.requireNonNull(assumedRoleId, "assumedRoleId");
    }

    @Override
    public void close() {
        secretAccessKey.destroy();
        sessionToken.destroy();
    }
}
