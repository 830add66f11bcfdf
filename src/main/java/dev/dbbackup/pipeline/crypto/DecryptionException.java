package dev.dbbackup.pipeline.crypto;

import java.io.IOException;

/** An encrypted backup that cannot be opened or fails its integrity check; the message never holds key material. */
public final class DecryptionException extends IOException {

    public enum Reason {
        /** Nothing configured can open it (no passphrase, no secret key, or a protected key without its passphrase). */
        NO_KEY,
        /** The passphrase or secret key configured does not open it. */
        WRONG_KEY,
        /** The file was altered or cut short: the OpenPGP integrity check failed. */
        DAMAGED,
        /** Not an OpenPGP encrypted message we accept (e.g. not integrity-protected). */
        UNSUPPORTED
    }

    private final Reason reason;

    public DecryptionException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DecryptionException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
