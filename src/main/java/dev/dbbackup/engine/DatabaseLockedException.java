package dev.dbbackup.engine;

/** Another live run holds the database's lock; the message describes the holder (pid, host, start time, command). */
public class DatabaseLockedException extends EngineException {

    public DatabaseLockedException(String holder) {
        super(holder);
    }

    public String holder() {
        return getMessage();
    }
}
