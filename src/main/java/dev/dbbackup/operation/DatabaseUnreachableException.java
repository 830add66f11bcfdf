package dev.dbbackup.operation;

/** The database could not be reached (server down, network, credentials): worth retrying later. Exit code 1. */
public class DatabaseUnreachableException extends DbBackupException {

    public DatabaseUnreachableException(String message, String hint, Throwable cause) {
        super(ExitCode.FAILURE, message, hint, cause);
    }
}
