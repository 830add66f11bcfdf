package dev.dbbackup.engine;

/** The restore target does not exist and the credentials may not create it (PostgreSQL: the role lacks CREATEDB). */
public class DatabaseCreationRefusedException extends EngineException {

    public DatabaseCreationRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
