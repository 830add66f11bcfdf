package dev.dbbackup.pipeline.crypto;

/** A key file that is missing, unreadable or unusable; the message names the setting and the file, never key material. */
public final class KeyFileException extends Exception {

    public KeyFileException(String message) {
        super(message);
    }

    public KeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
