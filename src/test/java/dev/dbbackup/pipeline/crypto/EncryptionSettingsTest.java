package dev.dbbackup.pipeline.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.SettingSources;
import dev.dbbackup.config.Settings;
import dev.dbbackup.config.SettingsResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How BACKUP_ENCRYPTION_* and BACKUP_DECRYPTION_* settings turn into an encryption mode and keys. */
class EncryptionSettingsTest {

    private static final String SECRET = "s3cret-Passphrase-that-must-not-leak";

    @TempDir
    Path dir;

    private static Settings resolve(Map<String, String> flags, Map<String, String> env) {
        return SettingsResolver.resolve(new SettingSources(flags, env, Map.of()));
    }

    @Test
    void nothingSetMeansNoEncryption() {
        EncryptionSettings settings = resolve(Map.of(), Map.of()).encryption();
        assertFalse(settings.encryptsBackups());
        assertFalse(settings.canDecrypt());
    }

    @Test
    void aPassphraseFileAloneTurnsPassphraseEncryptionOn() throws Exception {
        Path file = Files.writeString(dir.resolve("pass"), SECRET + "\n");
        EncryptionSettings settings = resolve(Map.of(), Map.of("BACKUP_ENCRYPTION_PASSPHRASE_FILE", file.toString())).encryption();
        assertEquals(Optional.of(EncryptionMode.PASSPHRASE), settings.mode());
        assertTrue(settings.canDecrypt());
    }

    @Test
    void publicKeysAloneTurnPublicKeyEncryptionOnAndAreSplitOnCommas() {
        EncryptionSettings settings = resolve(Map.of(), Map.of("BACKUP_ENCRYPTION_PUBLIC_KEYS", "/keys/a.asc, /keys/b.gpg")).encryption();
        assertEquals(Optional.of(EncryptionMode.PUBLIC_KEYS), settings.mode());
        assertEquals(List.of("/keys/a.asc", "/keys/b.gpg"), settings.publicKeyFiles());
        assertFalse(settings.canDecrypt(), "public keys cannot open anything");
    }

    @Test
    void bothKeysSetNeedAnExplicitModeAndTheFlagCanGiveIt() {
        Map<String, String> env = Map.of("BACKUP_ENCRYPTION_PASSPHRASE", SECRET, "BACKUP_ENCRYPTION_PUBLIC_KEYS", "/keys/a.asc");
        ConfigException ambiguous = assertThrows(ConfigException.class, () -> resolve(Map.of(), env));
        assertTrue(ambiguous.getMessage().contains("BACKUP_ENCRYPTION=passphrase"), ambiguous.getMessage());
        assertEquals(Optional.of(EncryptionMode.PUBLIC_KEYS), resolve(Map.of("BACKUP_ENCRYPTION", "pubkey"), env).encryption().mode());
        java.util.HashMap<String, String> withMode = new java.util.HashMap<>(env);
        withMode.put("BACKUP_ENCRYPTION", "passphrase");
        assertEquals(Optional.of(EncryptionMode.PASSPHRASE), resolve(Map.of(), withMode).encryption().mode());
    }

    @Test
    void encryptFlagWithoutAnyKeyIsAConfigurationError() {
        ConfigException e = assertThrows(ConfigException.class, () -> resolve(Map.of("BACKUP_ENCRYPTION", "auto"), Map.of()));
        assertTrue(e.getMessage().contains("BACKUP_ENCRYPTION_PASSPHRASE_FILE"), e.getMessage());
        ConfigException pubkey = assertThrows(ConfigException.class, () -> resolve(Map.of(), Map.of("BACKUP_ENCRYPTION", "pubkey")));
        assertTrue(pubkey.getMessage().contains("BACKUP_ENCRYPTION_PUBLIC_KEYS"), pubkey.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class, () -> resolve(Map.of(), Map.of("BACKUP_ENCRYPTION", "rot13")));
        assertTrue(unknown.getMessage().contains("passphrase, pubkey or none"), unknown.getMessage());
    }

    @Test
    void modeNoneKeepsBackupsPlainWhileThePassphraseStillOpensOldOnes() {
        EncryptionSettings settings = resolve(Map.of(), Map.of("BACKUP_ENCRYPTION", "none", "BACKUP_ENCRYPTION_PASSPHRASE", SECRET)).encryption();
        assertFalse(settings.encryptsBackups());
        assertTrue(settings.canDecrypt());
    }

    @Test
    void settingsNeverPrintTheirSecrets() throws Exception {
        Map<String, String> env = Map.of("BACKUP_ENCRYPTION_PASSPHRASE", SECRET, "BACKUP_DECRYPTION_KEY", "-----BEGIN PGP PRIVATE KEY BLOCK-----\nKEYMATERIAL",
                "BACKUP_DECRYPTION_PASSPHRASE", SECRET + "2");
        Settings settings = resolve(Map.of(), env);
        String printed = settings.toString();
        assertFalse(printed.contains(SECRET), printed);
        assertFalse(printed.contains("KEYMATERIAL"), printed);
        assertEquals("[redacted]", Passphrase.of(SECRET).toString());
    }
}
