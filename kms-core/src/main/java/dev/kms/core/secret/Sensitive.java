package dev.kms.core.secret;

import javax.security.auth.Destroyable;

/**
 * The family of values that must not outlive their use: characters ({@link Secret}) or bytes
 * ({@link Plaintext}). A member never prints its contents, has no value equality, refuses to be read once
 * destroyed, and zeroizes what it holds on {@link #destroy()}. Records hold these, never a bare array.
 */
public abstract sealed class Sensitive implements Destroyable, AutoCloseable permits Secret, Plaintext {
    private boolean destroyed;

    /** How many characters or bytes it holds; safe to print. */
    public abstract int length();

    /** Overwrites the contents with zeros. */
    abstract void zeroize();

    /** Refuses a read after {@link #destroy()}, when the contents are zeros, not the secret. */
    final void requireAlive() {
        if (destroyed) {
            throw new IllegalStateException("this " + getClass().getSimpleName() + " has been destroyed");
        }
    }

    @Override
    public final void destroy() {
        zeroize();
        destroyed = true;
    }

    @Override
    public final boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public final void close() {
        destroy();
    }

    /** Not even the length: that of a secret access key or session token says which kind it is. */
    @Override
    public final String toString() {
        return getClass().getSimpleName() + "[redacted]";
    }
}
