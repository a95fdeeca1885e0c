package dev.kms.audit;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The audit trail's eventTime text is exactly Instant.toString(). */
class IsoInstantTest {
    @Test
    void format_isInstantToString() {
        List<Instant> edges = List.of(Instant.EPOCH, Instant.parse("2025-03-04T05:06:07Z"),
                Instant.parse("2025-03-04T05:06:07.100Z"), Instant.parse("2025-03-04T05:06:07.000100Z"),
                Instant.parse("2025-03-04T05:06:07.000000100Z"), Instant.parse("2024-02-29T23:59:59.999999999Z"),
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.5Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-0001-12-31T00:00:00Z"), Instant.MIN,
                Instant.MAX);
        for (Instant instant : edges) {
            assertEquals(instant.toString(), IsoInstant.format(instant));
        }
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < 10_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(0, 4_102_444_800L), switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            });
            assertEquals(instant.toString(), IsoInstant.format(instant));
        }
    }
}
