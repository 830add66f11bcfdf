package dev.dbbackup.retention;

/**
 * How many hours, calendar days, ISO weeks, months and years keep their newest backup. Zero keeps none of that kind.
 * Hours serve sub-daily schedules (the seed's 6-hour RPO), years the long tail, like restic's --keep-hourly/--keep-yearly.
 */
public record RetentionPolicy(int hours, int days, int weeks, int months, int years) {

    public RetentionPolicy {
        if (hours < 0 || days < 0 || weeks < 0 || months < 0 || years < 0) {
            throw new IllegalArgumentException("retention counts must be zero or more");
        }
    }

    /** Days, weeks and months only (no hourly or yearly tier). */
    public RetentionPolicy(int days, int weeks, int months) {
        this(0, days, weeks, months, 0);
    }

    public static RetentionPolicy defaults() {
        return new RetentionPolicy(24, 7, 4, 12, 0);
    }

    public boolean keepsNothing() {
        return hours == 0 && days == 0 && weeks == 0 && months == 0 && years == 0;
    }
}
