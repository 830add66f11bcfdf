package dev.dbbackup.pipeline.crypto;

/**
 * A passphrase that never prints itself: {@link #toString()} gives a placeholder, so a passphrase that
 * ends up in a record, a log line or an exception message by accident still does not leak.
 */
public final class Passphrase {

    private final char[] chars;

    private Passphrase(char[] chars) {
        this.chars = chars;
    }

    public static Passphrase of(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a passphrase cannot be empty");
        }
        return new Passphrase(value.toCharArray());
    }

    /** The characters, for the OpenPGP operators only. */
    char[] chars() {
        return chars.clone();
    }

    @Override
    public String toString() {
        return "[redacted]";
    }
}
