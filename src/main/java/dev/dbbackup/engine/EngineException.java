package dev.dbbackup.engine;

/** A database-side failure; the message names the object or statement that failed and never holds a password. */
public class EngineException extends Exception {

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
