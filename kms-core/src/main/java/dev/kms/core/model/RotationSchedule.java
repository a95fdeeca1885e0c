package dev.kms.core.model;

import java.time.Duration;
import java.time.Instant;

/** Automatic rotation settings of a key; {@code nextRotation} is null while rotation is off. */
public record RotationSchedule(boolean enabled, int periodInDays, Instant nextRotation) {
    public static final int MIN_PERIOD_DAYS = 90;
    public static final int MAX_PERIOD_DAYS = 2560;
    public static final int DEFAULT_PERIOD_DAYS = 365;

    public static RotationSchedule off() {
        return new RotationSchedule(false, DEFAULT_PERIOD_DAYS, null);
    }

    public static RotationSchedule every(int periodInDays, Instant from) {
        return new RotationSchedule(true, periodInDays, from.plus(Duration.ofDays(periodInDays)));
    }

    public boolean isDue(Instant now) {
        return enabled && !now.isBefore(nextRotation);
    }
}
