package dev.dbbackup.schedule;

import java.time.Duration;

/** How often and how patiently a scheduled backup retries an unreachable database before it alerts. */
public record RetryPolicy(int retries, Duration firstDelay, Duration maxDelay) {

    /** The wait before retry number {@code retry} (1-based): the first delay, doubled each time, capped. */
    public Duration delayBefore(int retry) {
        Duration delay = firstDelay;
        for (int i = 1; i < retry && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
