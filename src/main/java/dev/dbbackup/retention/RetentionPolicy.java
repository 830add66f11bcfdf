package dev.dbbackup.retention;

/** How many calendar days, ISO weeks and months keep their newest backup. Zero keeps none of that kind. */
public record RetentionPolicy(int days, int weeks, int months) {

    public RetentionPolicy {
        if (days < 0 || weeks < 0 || months < 0) {
            throw new IllegalArgumentException("retention counts must be zero or more");
        }
    }

    public static RetentionPolicy defaults() {
        return new RetentionPolicy(7, 4, 12);
    }
}
