package dev.dbbackup.engine;

/** Options of a restore. {@code clean}: replace what the target holds instead of refusing a non-empty target. */
public record RestoreOptions(boolean clean, boolean singleTransaction) {

    public static RestoreOptions defaults() {
        return new RestoreOptions(false, true);
    }
}
