package dev.dbbackup.pipeline.crypto;

import java.util.Locale;
import java.util.Optional;

/** How new backups are encrypted: to a passphrase (symmetric) or to one or more OpenPGP public keys. */
public enum EncryptionMode {
    PASSPHRASE("passphrase"),
    PUBLIC_KEYS("pubkey");

    private final String word;

    EncryptionMode(String word) {
        this.word = word;
    }

    /** The word used in settings, manifests and {@code list}. */
    public String word() {
        return word;
    }

    public static Optional<EncryptionMode> fromWord(String word) {
        String w = word.strip().toLowerCase(Locale.ROOT);
        for (EncryptionMode mode : values()) {
            if (mode.word.equals(w)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
