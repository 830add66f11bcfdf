package dev.dbbackup.engine;

/**
 * The state of a restore target before the restore: whether it exists and whether it holds tables.
 *
 * @param unreadable why the target exists but cannot be read as a database (a damaged SQLite file); null when it can
 */
public record TargetState(boolean exists, int tableCount, long approximateBytes, String description, String unreadable) {

    public TargetState(boolean exists, int tableCount, long approximateBytes, String description) {
        this(exists, tableCount, approximateBytes, description, null);
    }

    /** A target that exists but cannot be read: it is never treated as empty, and never dumped for a safety backup. */
    public static TargetState unreadable(long approximateBytes, String description, String why) {
        return new TargetState(true, 0, approximateBytes, description, why);
    }

    public boolean isEmpty() {
        return tableCount == 0 && unreadable == null;
    }

    public boolean isUnreadable() {
        return unreadable != null;
    }
}
