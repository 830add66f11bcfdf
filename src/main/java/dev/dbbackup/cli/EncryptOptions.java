package dev.dbbackup.cli;

import dev.dbbackup.pipeline.crypto.EncryptionSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Encryption of new backups. Passphrases are never flags (they would show in 'ps'): they come from *_FILE settings. */
public class EncryptOptions {

    @Option(names = "--encrypt", arity = "0..1", fallbackValue = "auto", paramLabel = "MODE",
            description = {"Encrypt the backup (OpenPGP, AES-256) into .sql.gz.gpg: with the passphrase in"
                    + " BACKUP_ENCRYPTION_PASSPHRASE_FILE, or to the public keys in BACKUP_ENCRYPTION_PUBLIC_KEYS."
                    + " MODE is passphrase, pubkey or none; plain --encrypt picks the one that is configured"
                    + " (env BACKUP_ENCRYPTION; setting either key alone also turns encryption on)."})
    String encrypt;

    @Option(names = "--encryption-public-key", paramLabel = "FILE",
            description = "Encrypt to this public key file (armored or binary; repeatable; env BACKUP_ENCRYPTION_PUBLIC_KEYS, comma-separated).")
    List<String> publicKeys;

    Map<String, String> flags() {
        Map<String, String> flags = new HashMap<>();
        if (encrypt != null) {
            flags.put(EncryptionSettings.ENCRYPTION, encrypt);
        }
        if (publicKeys != null && !publicKeys.isEmpty()) {
            flags.put(EncryptionSettings.PUBLIC_KEYS, String.join(",", publicKeys));
        }
        return flags;
    }
}
