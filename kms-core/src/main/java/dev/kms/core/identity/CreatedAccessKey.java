package dev.kms.core.identity;

import dev.kms.core.secret.Secret;
import java.util.Objects;

/**
 * A new access key and its secret, which is shown this once and never again: the caller writes it out and
 * then closes this to zeroize it. Prints without the secret.
 */
public record CreatedAccessKey(AccessKey accessKey, Secret secretAccessKey) implements AutoCloseable {
    public CreatedAccessKey {
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    }

    @Override
    public void close() {
        secretAccessKey.destroy();
    }
}
