package dev.dbbackup.cli;

import dev.dbbackup.pipeline.crypto.EncryptionSettings;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Keys that open encrypted backups. Passphrases are never flags (they would show in 'ps'): they come from *_FILE settings. */
public class DecryptOptions {

    @Option(names = "--decryption-key", paramLabel = "FILE",
            description = {"Secret key file that opens public-key encrypted backups (env BACKUP_DECRYPTION_KEY; its passphrase from"
                    + " BACKUP_DECRYPTION_PASSPHRASE_FILE). Passphrase-encrypted backups open with BACKUP_ENCRYPTION_PASSPHRASE_FILE."})
    String decryptionKey;

    Map<String, String> flags() {
        Map<String, String> flags = new HashMap<>();
        if (decryptionKey != null) {
            flags.put(EncryptionSettings.DECRYPTION_KEY, decryptionKey);
        }
        return flags;
    }
}
