package dev.kms.core.secret;

import javax.security.auth.Destroyable;

/**
 * The family of values that must not outlive their use: characters ({@link Secret}) or bytes
 * ({@link Plaintext}). A member never prints its contents, has no value equality, refuses to be read once
 * destroyed, and zeroizes what it holds on {@link #destroy()}. Records hold these, never a bare array.
 */
public sealed interface Sensitive extends Destroyable, AutoCloseable permits Secret, Plaintext {

    /** How many characters or bytes it holds; safe to print. */
    int length();

    @Override
    void destroy();

    @Override
    default void close() {
        destroy();
    }
}
