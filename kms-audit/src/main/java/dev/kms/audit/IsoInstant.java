package dev.kms.audit;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * {@link Instant#toString()}, written without DateTimeFormatter for the eventTime of every audit event: the same
 * ISO-8601 text (UTC, 'Z', the fraction in groups of three digits, none when whole seconds) for years 0 to 9999,
 * and Instant's own text outside them.
 */
final class IsoInstant {
    private static final long FIRST_SECOND = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long LAST_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    private IsoInstant() {
    }

    static String format(Instant instant) {
        if (instant.getEpochSecond() < FIRST_SECOND || instant.getEpochSecond() > LAST_SECOND) {
            return instant.toString();
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        char[] out = new char[30];
        int at = digits(out, 0, t.getYear(), 4);
        out[at++] = '-';
        at = digits(out, at, t.getMonthValue(), 2);
        out[at++] = '-';
        at = digits(out, at, t.getDayOfMonth(), 2);
        out[at++] = 'T';
        at = digits(out, at, t.getHour(), 2);
        out[at++] = ':';
        at = digits(out, at, t.getMinute(), 2);
        out[at++] = ':';
        at = digits(out, at, t.getSecond(), 2);
        int nano = t.getNano();
        if (nano != 0) {
            out[at++] = '.';
            if (nano % 1_000_000 == 0) {
                at = digits(out, at, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                at = digits(out, at, nano / 1000, 6);
            } else {
                at = digits(out, at, nano, 9);
            }
        }
        out[at++] = 'Z';
        return new String(out, 0, at);
    }

    /** {@code value} as exactly {@code width} decimal digits at {@code at}; the index after them. */
    private static int digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }
}
