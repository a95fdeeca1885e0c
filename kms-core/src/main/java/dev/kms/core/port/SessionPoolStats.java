package dev.kms.core.port;

/**
 * A live, read-only view of an HSM adapter's session pool, for operators' metrics (the server exports it at
 * {@code /metrics}); the use cases never read it. Counts run from when the pool was opened.
 */
public interface SessionPoolStats {

    /** Sessions the pool holds open on the token. */
    int size();

    /** Sessions borrowed by a caller right now. */
    int inUse();

    /** Sessions lent so far. */
    long borrows();

    /** Borrows that found no idle session and had to wait for one. */
    long waits();

    /** The time borrowers spent waiting for a session, in nanoseconds, summed. */
    long waitNanos();

    /** Borrows that gave up waiting (DependencyTimeoutException). */
    long timeouts();
}
