package dev.kms.server;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * The {@code Date} header of every response, from the service clock (SDKs correct their clock skew from it). It
 * changes once a second, so it is formatted and encoded once a second rather than on every response.
 */
final class HttpDateHeader {
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private final Clock clock;
    private volatile Formatted last = new Formatted(Long.MIN_VALUE, null);

    private record Formatted(long epochSecond, HttpField field) {
    }

    HttpDateHeader(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The header for the clock's current second. */
    HttpField now() {
        long second = Math.floorDiv(clock.millis(), 1000L);
        Formatted formatted = last;
        if (formatted.epochSecond() != second) {
            // Threads racing at a second's turn each format it once; any of their results is right.
            formatted = new Formatted(second, new PreEncodedHttpField(HttpHeader.DATE,
                    HTTP_DATE.format(Instant.ofEpochSecond(second).atOffset(ZoneOffset.UTC))));
            last = formatted;
        }
        return formatted.field();
    }
}
