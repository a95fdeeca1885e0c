package dev.kms.core.secret;

import java.util.Arrays;

/**
 * A secret handed to its owner once (an access-key secret, a session token) or revealed for verification.
 */
public final class Secret extends Sensitive {
    private final char[] chars;

    private Secret(char[] chars) {
        this.chars = chars;
    }

    /** Takes ownership of {@code chars}: the caller must not keep using the array. */
    public static Secret adopt(char[] chars) {
        return new Secret(chars);
    }

    /** The characters themselves, not a copy, so that {@link #destroy()} clears what the caller saw. */
    public char[] chars() {
        requireAlive();
        return chars;
    }

    @Override
    public int length() {
        return chars.length;
    }

    @Override
    void zeroize() {
        Arrays.fill(chars, '\0');
    }
}
