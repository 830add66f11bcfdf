package dev.dbbackup.operation;

/** Asks the operator to confirm a destructive step. */
@FunctionalInterface
public interface Confirmation {

    /** True when the operator agreed; throws a NOT_CONFIRMED {@link DbBackupException} when no one can be asked. */
    boolean confirm(String question);
}
