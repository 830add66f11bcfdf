package dev.dbbackup.schedule;

import dev.dbbackup.config.ConfigException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code BACKUP_TEST_RESTORE}: after which scheduled backups the scheduler test-restores the new backup into a scratch
 * target, so a file that does not replay is found within days. {@code daily} and {@code weekly} test after a backup
 * when no test-restore passed within the period (so after a failure, every backup is tested until one passes).
 */
public enum TestRestorePolicy {
    NEVER("never", null),
    AFTER_EACH("after-each", Duration.ZERO),
    DAILY("daily", Duration.ofDays(1)),
    WEEKLY("weekly", Duration.ofDays(7));

    public static final String SETTING = "BACKUP_TEST_RESTORE";
    public static final TestRestorePolicy DEFAULT = WEEKLY;

    private final String text;
    private final Duration period;

    TestRestorePolicy(String text, Duration period) {
        this.text = text;
        this.period = period;
    }

    public static TestRestorePolicy parse(String value) {
        String wanted = value.strip().toLowerCase(Locale.ROOT);
        for (TestRestorePolicy policy : values()) {
            if (policy.text.equals(wanted)) {
                return policy;
            }
        }
        throw new ConfigException(SETTING + " must be never, after-each, daily or weekly, got '" + value + "'",
                "e.g. " + SETTING + "=weekly (the default) or " + SETTING + "=after-each");
    }

    /** Why the backup just written is test-restored now, or empty when it is not due. */
    Optional<String> due(Optional<Instant> lastPassed, Instant now) {
        if (this == NEVER) {
            return Optional.empty();
        }
        if (this == AFTER_EACH) {
            return Optional.of(SETTING + "=after-each");
        }
        if (lastPassed.isEmpty()) {
            return Optional.of(SETTING + "=" + text + ": no test-restore has passed yet");
        }
        Duration since = Duration.between(lastPassed.get(), now);
        if (since.compareTo(period) >= 0) {
            return Optional.of(SETTING + "=" + text + ": the last test-restore that passed was " + TargetJobs.words(since) + " ago");
        }
        return Optional.empty();
    }

    public String text() {
        return text;
    }

    /** For the start-up log line. */
    String describe() {
        return switch (this) {
            case NEVER -> "off";
            case AFTER_EACH -> "after each backup";
            case DAILY -> "daily (after a backup when none passed in the last 24 h)";
            case WEEKLY -> "weekly (after a backup when none passed in the last 7 days)";
        };
    }
}
