package dev.kms.core.identity;

import javax.security.auth.Destroyable;
import java.util.Arrays;

/**
 * A secret handed to its owner once (an access-key secret, a session token) or revealed for verification.
 * It never prints, has no value equality, and is zeroized by {@link #destroy()}.
 */
public final class Secret implements AutoCloseable, Destroyable {
    private final char[] chars;
    private boolean destroyed;

    /** Takes ownership of {@code chars}: the caller must not keep using the array. */
    Secret(char[] chars) {
        this.chars = chars;
    }

    /** The characters themselves, not a copy, so that {@link #destroy()} clears what the caller saw. */
    public char[] chars() {
        if (destroyed) {
            throw new IllegalStateException("the secret has been destroyed");
        }
        return chars;
    }

    public int length() {
        return chars.length;
    }

    @Override
    public void destroy() {
        Arrays.fill(chars, '\0');
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public void close() {
        destroy();
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}
