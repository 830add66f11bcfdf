package dev.dbbackup.engine;

/** The state of a restore target before the restore: whether it exists and whether it holds tables. */
public record TargetState(boolean exists, int tableCount, long approximateBytes, String description) {

    public boolean isEmpty() {
        return tableCount == 0;
    }
}
