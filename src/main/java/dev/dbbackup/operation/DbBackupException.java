package dev.dbbackup.operation;

/**
 * A failure the operator must see: a one-line message naming the problem, a hint saying what to do,
 * and the exit code. Messages never contain passwords.
 */
public class DbBackupException extends RuntimeException {

    private final ExitCode exitCode;
    private final String hint;

    public DbBackupException(ExitCode exitCode, String message, String hint) {
        super(message);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    public DbBackupException(ExitCode exitCode, String message, String hint, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.hint = hint;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    /** What the operator should do next; may be null. */
    public String hint() {
        return hint;
    }
}
