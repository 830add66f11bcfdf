package dev.dbbackup.engine;

/** The database's lock file (SQLite: beside the database) cannot be used: a local file problem, not a connection one. */
public class LockFileException extends EngineException {

    public LockFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
