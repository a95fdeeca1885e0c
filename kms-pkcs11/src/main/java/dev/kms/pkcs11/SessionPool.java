package dev.kms.pkcs11;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.port.SessionPoolStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;
import org.xipki.pkcs11.wrapper.Token;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fixed set of R/W sessions on one token. A session serves one caller at a time (PKCS#11 sessions
 * hold one active operation each); callers borrow and give back in try/finally. It counts its use for
 * {@link SessionPoolStats}: the uncontended borrow only adds one to a {@link LongAdder}.
 */
final class SessionPool implements SessionPoolStats, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionPool.class);
    private static final long BORROW_TIMEOUT_SECONDS = 30;

    private final Token token;
    private final int size;
    private final BlockingQueue<Session> idle;
    private final LongAdder borrows = new LongAdder();
    private final LongAdder waits = new LongAdder();
    private final LongAdder waitNanos = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private volatile boolean closed;

    private SessionPool(Token token, int size) {
        this.token = token;
        this.size = size;
        this.idle = new LinkedBlockingQueue<>(size);
    }

    static SessionPool open(Token token, int size) throws PKCS11Exception {
        SessionPool pool = new SessionPool(token, size);
        try {
            for (int i = 0; i < size; i++) {
                pool.idle.add(token.openSession(true));
            }
        } catch (PKCS11Exception | RuntimeException e) {
            pool.close();
            throw e;
        }
        return pool;
    }

    Session borrow() {
        if (closed) {
            throw new KmsException(ErrorCode.KEY_UNAVAILABLE, "the HSM connection is closed");
        }
        borrows.increment();
        Session session = idle.poll();
        return session != null ? session : awaitIdle();
    }

    private Session awaitIdle() {
        waits.increment();
        long start = System.nanoTime();
        try {
            Session session = idle.poll(BORROW_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (session == null) {
                timeouts.increment();
                throw new KmsException(ErrorCode.DEPENDENCY_TIMEOUT,
                        "no HSM session became free within " + BORROW_TIMEOUT_SECONDS + " seconds");
            }
            return session;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KmsException(ErrorCode.INTERNAL, "interrupted while waiting for an HSM session");
        } finally {
            waitNanos.add(System.nanoTime() - start);
        }
    }

    void giveBack(Session session) {
        if (closed) {
            closeQuietly(session);
        } else {
            idle.add(session);
        }
        if (closed) {
            // close() may have drained the queue before this session came back.
            drain();
        }
    }

    /**
     * A new session in place of one that is gone or may still hold a half-done operation; the caller gives
     * back the returned one. The new session opens before the old one closes: login state belongs to the
     * application and ends when its last session on the token closes. If no new session can be opened the
     * old one is returned, and the next caller meets its error and tries again.
     */
    Session replace(Session old) {
        Session fresh;
        try {
            fresh = token.openSession(true);
        } catch (PKCS11Exception e) {
            LOG.warn("cannot open a replacement session: {}", Pkcs11Errors.name(e));
            return old;
        }
        closeQuietly(old);
        return fresh;
    }

    @Override
    public int size() {
        return size;
    }

    /** A replaced session takes its predecessor's place, so the pool's size stays fixed; none are lent once closed. */
    @Override
    public int inUse() {
        return closed ? 0 : Math.max(0, size - idle.size());
    }

    @Override
    public long borrows() {
        return borrows.sum();
    }

    @Override
    public long waits() {
        return waits.sum();
    }

    @Override
    public long waitNanos() {
        return waitNanos.sum();
    }

    @Override
    public long timeouts() {
        return timeouts.sum();
    }

    @Override
    public void close() {
        closed = true;
        drain();
    }

    private void drain() {
        Session session;
        while ((session = idle.poll()) != null) {
            closeQuietly(session);
        }
    }

    private static void closeQuietly(Session session) {
        try {
            session.closeSession();
        } catch (PKCS11Exception e) {
            // Already closed or the token is gone; either way the session is no longer ours.
            LOG.debug("closing a session failed: {}", Pkcs11Errors.name(e));
        }
    }
}
