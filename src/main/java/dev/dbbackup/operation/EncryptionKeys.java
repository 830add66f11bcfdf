package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.BackupManifest;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.Settings;
import dev.dbbackup.pipeline.crypto.Decryption;
import dev.dbbackup.pipeline.crypto.DecryptionException;
import dev.dbbackup.pipeline.crypto.Encryption;
import dev.dbbackup.pipeline.crypto.EncryptionSettings;
import dev.dbbackup.pipeline.crypto.KeyFileException;
import dev.dbbackup.pipeline.crypto.OpenPgpDecryption;
import dev.dbbackup.pipeline.crypto.OpenPgpEncryption;
import dev.dbbackup.pipeline.crypto.Recipient;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Loads the configured keys for an operation (a key-file problem is a configuration error) and describes them for manifests. */
final class EncryptionKeys {

    static final String HINT = "see docs/encryption.md";

    private EncryptionKeys() {
    }

    /** How new backups are encrypted; reads the public key files. Key validity is judged by the wall clock, not DBBACKUP_NOW. */
    static Encryption forBackup(Settings settings) {
        try {
            return OpenPgpEncryption.fromSettings(settings.encryption(), Instant.now());
        } catch (KeyFileException e) {
            throw new ConfigException(e.getMessage(), "no backup was written; fix " + EncryptionSettings.PUBLIC_KEYS + " (" + HINT + ")");
        }
    }

    /** The configured passphrase and secret key (none configured: a decryption that names what would open a file). */
    static OpenPgpDecryption forReading(Settings settings) {
        if (!settings.encryption().canDecrypt()) {
            return OpenPgpDecryption.withoutKeys();
        }
        try {
            return OpenPgpDecryption.fromSettings(settings.encryption());
        } catch (KeyFileException e) {
            throw new ConfigException(e.getMessage(), "fix " + EncryptionSettings.DECRYPTION_KEY + " (" + HINT + ")");
        }
    }

    /** For restore: an encrypted backup needs a key, so none configured is a configuration error naming the file. */
    static OpenPgpDecryption requiredFor(Settings settings, String location, Optional<BackupManifest> manifest) {
        if (!settings.encryption().canDecrypt()) {
            String mode = manifest.map(BackupManifest::encryption).map(BackupManifest.Encryption::mode).orElse(null);
            String needs = "passphrase".equals(mode) ? "set " + EncryptionSettings.PASSPHRASE + "_FILE to the file holding the backup passphrase"
                    : "pubkey".equals(mode) ? "set " + EncryptionSettings.DECRYPTION_KEY + " to the secret key file (and "
                    + EncryptionSettings.DECRYPTION_PASSPHRASE + "_FILE when the key is protected)"
                    : "set " + EncryptionSettings.PASSPHRASE + "_FILE (passphrase backups) or " + EncryptionSettings.DECRYPTION_KEY
                    + " (public-key backups)";
            throw new ConfigException("backup " + location + " is encrypted and no key to open it is set", needs + "; nothing was changed");
        }
        return forReading(settings);
    }

    /**
     * Fails, naming the file, when the configured keys do not open an encrypted backup (exit 3; exit 2 when a needed
     * passphrase is not set at all), before anything is checked or recorded: a wrong key says nothing about the
     * backup. Reads only the header and the session key.
     */
    static void requireKeyOpens(Decryption decryption, BackupCatalog catalog, CatalogEntry entry, String location) {
        if (decryption == Decryption.NONE) {
            return;
        }
        try (InputStream in = catalog.store().open(entry.key()); InputStream opened = decryption.decrypt(in)) {
            // opening proves the key; the content is checked by the caller
        } catch (DecryptionException e) {
            if (e.reason() == DecryptionException.Reason.NO_KEY) {
                throw new ConfigException("cannot decrypt " + location + ": " + e.getMessage(), "nothing was changed (" + HINT + ")");
            }
            if (e.reason() == DecryptionException.Reason.WRONG_KEY) {
                throw new DbBackupException(ExitCode.VERIFICATION_FAILED, "cannot decrypt " + location + ": " + e.getMessage(),
                        "fix the key settings (" + HINT + "); nothing was changed and the backup was not marked as failed");
            }
        } catch (IOException e) {
            // a damaged or unreadable file is the caller's finding to report
        }
    }

    /** What the manifest records about the encryption; null when the backup is not encrypted. */
    static BackupManifest.Encryption describe(Encryption encryption) {
        if (encryption.mode().isEmpty()) {
            return null;
        }
        List<BackupManifest.RecipientKey> keys = encryption.recipients().stream()
                .map((Recipient r) -> new BackupManifest.RecipientKey(r.keyId(), r.fingerprint(), r.userId())).toList();
        return new BackupManifest.Encryption("openpgp", encryption.mode().get().word(), encryption.cipher(), keys.isEmpty() ? null : keys);
    }
}
