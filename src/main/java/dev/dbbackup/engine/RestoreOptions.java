package dev.dbbackup.engine;

/**
 * Options of a restore. {@code clean}: replace what the target holds instead of refusing a non-empty target;
 * {@code trustFile}: run statements no dump contains (COPY ... PROGRAM, ALTER SYSTEM, roles, DO ...) instead of refusing the file.
 */
public record RestoreOptions(boolean clean, boolean singleTransaction, boolean trustFile) {

    public RestoreOptions(boolean clean, boolean singleTransaction) {
        this(clean, singleTransaction, false);
    }

    public static RestoreOptions defaults() {
        return new RestoreOptions(false, true);
    }
}
