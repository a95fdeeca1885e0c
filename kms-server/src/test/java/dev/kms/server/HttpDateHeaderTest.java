package dev.kms.server;

import dev.kms.core.fake.MutableClock;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The Date header follows the service clock to the second, formatted once per second. */
class HttpDateHeaderTest {
    @Test
    void date_isTheClocksSecondInRfc1123_andChangesWithTheSecond() {
        MutableClock clock = new MutableClock(Instant.parse("2025-03-04T05:06:07.100Z"));
        HttpDateHeader date = new HttpDateHeader(clock);
        assertEquals(HttpHeader.DATE, date.now().getHeader());
        assertEquals("Tue, 4 Mar 2025 05:06:07 GMT", date.now().getValue());

        var first = date.now();
        clock.advance(Duration.ofMillis(899));
        assertSame(first, date.now());
        clock.advance(Duration.ofMillis(1));
        assertEquals("Tue, 4 Mar 2025 05:06:08 GMT", date.now().getValue());
        clock.advance(Duration.ofDays(1));
        assertEquals("Wed, 5 Mar 2025 05:06:08 GMT", date.now().getValue());
    }
}
