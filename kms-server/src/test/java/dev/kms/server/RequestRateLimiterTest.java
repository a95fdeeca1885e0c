package dev.kms.server;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestRateLimiterTest {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    void advanceMillis(long millis) {
        nanos.addAndGet(millis * 1_000_000L);
    }

    @Test
    void tryAcquire_allowsOneSecondsWorthAtOnce_thenRefusesUntilRefilled() {
        RequestRateLimiter limiter = new RequestRateLimiter(4, nanos::get);
        for (int i = 0; i < 4; i++) {
            assertTrue(limiter.tryAcquire("111122223333"), "request " + i);
        }
        assertFalse(limiter.tryAcquire("111122223333"));
        advanceMillis(250); // one token at 4 per second
        assertTrue(limiter.tryAcquire("111122223333"));
        assertFalse(limiter.tryAcquire("111122223333"));
    }

    @Test
    void tryAcquire_idleTime_neverBanksMoreThanOneSecond() {
        RequestRateLimiter limiter = new RequestRateLimiter(2, nanos::get);
        advanceMillis(60_000);
        assertTrue(limiter.tryAcquire("a"));
        assertTrue(limiter.tryAcquire("a"));
        assertFalse(limiter.tryAcquire("a"));
    }

    @Test
    void tryAcquire_accountsHaveTheirOwnBuckets() {
        RequestRateLimiter limiter = new RequestRateLimiter(1, nanos::get);
        assertTrue(limiter.tryAcquire("111122223333"));
        assertFalse(limiter.tryAcquire("111122223333"));
        assertTrue(limiter.tryAcquire("444455556666"));
    }

    @Test
    void tryAcquire_rateBelowOne_stillAllowsOneRequest_thenWaitsForTheRate() {
        RequestRateLimiter limiter = new RequestRateLimiter(0.5, nanos::get);
        assertTrue(limiter.tryAcquire("a"));
        advanceMillis(1000);
        assertFalse(limiter.tryAcquire("a"));
        advanceMillis(1000);
        assertTrue(limiter.tryAcquire("a"));
    }

    @Test
    void perAccount_defaultIsTheReferenceQuota() {
        assertEquals(10_000, RequestRateLimiter.DEFAULT_REQUESTS_PER_SECOND);
        assertEquals(10_000, RequestRateLimiter.perAccount(RequestRateLimiter.DEFAULT_REQUESTS_PER_SECOND)
                .requestsPerSecond());
    }

    @Test
    void perAccount_nonPositiveRate_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> RequestRateLimiter.perAccount(0));
        assertThrows(IllegalArgumentException.class, () -> RequestRateLimiter.perAccount(-1));
        assertThrows(IllegalArgumentException.class, () -> RequestRateLimiter.perAccount(Double.NaN));
    }
}
