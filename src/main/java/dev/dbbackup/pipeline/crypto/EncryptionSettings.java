package dev.dbbackup.pipeline.crypto;

import java.util.List;
import java.util.Optional;

/**
 * The encryption part of the configuration, checked for completeness but not yet loaded (key files are read
 * when a command needs them, so {@code list} works without them).
 *
 * @param mode                 how new backups are encrypted; empty: not encrypted
 * @param passphrase           BACKUP_ENCRYPTION_PASSPHRASE: encrypts in passphrase mode and opens passphrase-encrypted backups
 * @param publicKeyFiles       BACKUP_ENCRYPTION_PUBLIC_KEYS: public key files (armored or binary) to encrypt to
 * @param decryptionKey        BACKUP_DECRYPTION_KEY: a secret key file path, or the armored secret key itself
 * @param decryptionPassphrase BACKUP_DECRYPTION_PASSPHRASE: unlocks the secret key when it is protected
 */
public record EncryptionSettings(Optional<EncryptionMode> mode, Optional<Passphrase> passphrase, List<String> publicKeyFiles,
                                 Optional<String> decryptionKey, Optional<Passphrase> decryptionPassphrase) {

    public static final String ENCRYPTION = "BACKUP_ENCRYPTION";
    public static final String PASSPHRASE = "BACKUP_ENCRYPTION_PASSPHRASE";
    public static final String PUBLIC_KEYS = "BACKUP_ENCRYPTION_PUBLIC_KEYS";
    public static final String DECRYPTION_KEY = "BACKUP_DECRYPTION_KEY";
    public static final String DECRYPTION_PASSPHRASE = "BACKUP_DECRYPTION_PASSPHRASE";

    public EncryptionSettings {
        publicKeyFiles = List.copyOf(publicKeyFiles);
    }

    /** Says which settings are present, never their secret values (the decryption key may be the armored key itself). */
    @Override
    public String toString() {
        return "EncryptionSettings[mode=" + mode.map(EncryptionMode::word).orElse("none") + ", passphrase=" + (passphrase.isPresent() ? "set" : "unset")
                + ", publicKeyFiles=" + publicKeyFiles + ", decryptionKey=" + (decryptionKey.isPresent() ? "set" : "unset")
                + ", decryptionPassphrase=" + (decryptionPassphrase.isPresent() ? "set" : "unset") + "]";
    }

    public static EncryptionSettings none() {
        return new EncryptionSettings(Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty());
    }

    public boolean encryptsBackups() {
        return mode.isPresent();
    }

    /** Whether anything that can open an encrypted backup is configured. */
    public boolean canDecrypt() {
        return passphrase.isPresent() || decryptionKey.isPresent();
    }

    /**
     * Resolves the raw values (any of them null when unset) into settings, or throws
     * {@link IllegalArgumentException} with a message naming the setting to fix.
     *
     * @param modeValue BACKUP_ENCRYPTION: none, passphrase, pubkey, or auto (from {@code --encrypt}); unset means
     *                  "passphrase or pubkey when exactly one of them is configured"
     */
    public static EncryptionSettings resolve(String modeValue, String passphraseValue, String publicKeysValue,
                                             String decryptionKeyValue, String decryptionPassphraseValue) {
        Optional<Passphrase> passphrase = Optional.ofNullable(passphraseValue).filter(s -> !s.isEmpty()).map(Passphrase::of);
        List<String> keys = publicKeysValue == null ? List.of() : splitList(publicKeysValue);
        Optional<EncryptionMode> mode;
        String requested = modeValue == null ? null : modeValue.strip().toLowerCase(java.util.Locale.ROOT);
        if (requested == null || requested.isEmpty() || requested.equals("auto")) {
            if (passphrase.isPresent() && !keys.isEmpty()) {
                throw new IllegalArgumentException(PASSPHRASE + " and " + PUBLIC_KEYS + " are both set, so the encryption mode is ambiguous;"
                        + " set " + ENCRYPTION + "=passphrase or " + ENCRYPTION + "=pubkey (or --encrypt=MODE)");
            }
            mode = !keys.isEmpty() ? Optional.of(EncryptionMode.PUBLIC_KEYS)
                    : passphrase.isPresent() ? Optional.of(EncryptionMode.PASSPHRASE) : Optional.empty();
            if (mode.isEmpty() && "auto".equals(requested)) {
                throw new IllegalArgumentException("--encrypt needs a key: set " + PASSPHRASE + "_FILE (passphrase mode)"
                        + " or " + PUBLIC_KEYS + " (public key mode)");
            }
        } else if (requested.equals("none") || requested.equals("off")) {
            mode = Optional.empty();
        } else {
            mode = EncryptionMode.fromWord(requested);
            if (mode.isEmpty()) {
                throw new IllegalArgumentException(ENCRYPTION + " '" + modeValue + "' is not an encryption mode;"
                        + " use passphrase, pubkey or none");
            }
            if (mode.get() == EncryptionMode.PASSPHRASE && passphrase.isEmpty()) {
                throw new IllegalArgumentException(ENCRYPTION + "=passphrase needs the passphrase: set " + PASSPHRASE
                        + "_FILE to a file holding it (or " + PASSPHRASE + ")");
            }
            if (mode.get() == EncryptionMode.PUBLIC_KEYS && keys.isEmpty()) {
                throw new IllegalArgumentException(ENCRYPTION + "=pubkey needs " + PUBLIC_KEYS
                        + ": comma-separated paths of public key files (gpg --export --armor KEYID > key.asc)");
            }
        }
        Optional<String> decryptionKey = Optional.ofNullable(decryptionKeyValue).filter(s -> !s.isBlank());
        Optional<Passphrase> decryptionPassphrase = Optional.ofNullable(decryptionPassphraseValue).filter(s -> !s.isEmpty())
                .map(Passphrase::of);
        return new EncryptionSettings(mode, passphrase, keys, decryptionKey, decryptionPassphrase);
    }

    private static List<String> splitList(String value) {
        return java.util.Arrays.stream(value.split("[,\\n]")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
