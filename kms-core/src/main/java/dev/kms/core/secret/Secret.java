package dev.kms.core.secret;

import java.util.Arrays;

/**
 * A secret handed to its owner once (an access-key secret, a session token) or revealed for verification.
 */
public final class Secret implements Sensitive {
    private final char[] chars;
    private boolean destroyed;

    private Secret(char[] chars) {
        this.chars = chars;
    }

    /** Takes ownership of {@code chars}: the caller must not keep using the array. */
    public static Secret adopt(char[] chars) {
        return new Secret(chars);
    }

    /** The characters themselves, not a copy, so that {@link #destroy()} clears what the caller saw. */
    public char[] chars() {
        if (destroyed) {
            throw new IllegalStateException("the secret has been destroyed");
        }
        return chars;
    }

    @Override
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
    public String toString() {
        return "Secret[redacted]";
    }
}
