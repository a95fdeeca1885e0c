package dev.kms.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-account request rate limits: one token bucket per account, refilled at the configured rate and holding at
 * most one second's worth, so a burst may reach the rate but never queue beyond it (over it the caller gets
 * ThrottlingException and retries, as with AWS). The default is the reference's quota for symmetric
 * cryptographic requests, 10,000 per second per account (docs/kms-reference.md); here it covers every API
 * request of the account, since the per-operation quotas of the reference are not modelled.
 */
public final class RequestRateLimiter {
    public static final double DEFAULT_REQUESTS_PER_SECOND = 10_000;
    private static final double NANOS_PER_SECOND = 1e9;

    private final double requestsPerSecond;
    private final double capacity;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RequestRateLimiter(double requestsPerSecond, LongSupplier nanoTime) {
        if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
            throw new IllegalArgumentException("requestsPerSecond must be a positive number");
        }
        this.requestsPerSecond = requestsPerSecond;
        this.capacity = Math.max(1, requestsPerSecond);
        this.nanoTime = nanoTime;
    }

    /** {@code requestsPerSecond} per account, with bursts of up to one second's worth. */
    public static RequestRateLimiter perAccount(double requestsPerSecond) {
        return new RequestRateLimiter(requestsPerSecond, System::nanoTime);
    }

    public double requestsPerSecond() {
        return requestsPerSecond;
    }

    /** Takes one request from the account's bucket; false when it is empty (the request is to be throttled). */
    public boolean tryAcquire(String accountId) {
        return buckets.computeIfAbsent(accountId, a -> new Bucket(capacity, nanoTime.getAsLong()))
                .take(nanoTime.getAsLong());
    }

    private final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        synchronized boolean take(long now) {
            if (now > refilledAt) {
                tokens = Math.min(capacity, tokens + (now - refilledAt) * requestsPerSecond / NANOS_PER_SECOND);
                refilledAt = now;
            }
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
