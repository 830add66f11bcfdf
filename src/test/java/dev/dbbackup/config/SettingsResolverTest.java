package dev.dbbackup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsResolverTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreTheSeeds() {
        Settings settings = SettingsResolver.resolve(new SettingSources(Map.of(), Map.of(), Map.of()));
        assertEquals("app.db", settings.databaseUrl().database());
        assertEquals(Path.of("./backups"), settings.backupDir());
        assertEquals(7, settings.retention().days());
        assertEquals(4, settings.retention().weeks());
        assertEquals(12, settings.retention().months());
        assertEquals("UTC", settings.zone().getId());
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheConfigFile() {
        Map<String, String> file = Map.of("BACKUP_RETENTION_DAYS", "1", "BACKUP_RETENTION_WEEKS", "2", "BACKUP_RETENTION_MONTHS", "3");
        Map<String, String> env = Map.of("BACKUP_RETENTION_DAYS", "10", "BACKUP_RETENTION_WEEKS", "20");
        Map<String, String> flags = Map.of("BACKUP_RETENTION_DAYS", "100");
        Settings settings = SettingsResolver.resolve(new SettingSources(flags, env, file));
        assertEquals(100, settings.retention().days());
        assertEquals(20, settings.retention().weeks());
        assertEquals(3, settings.retention().months());
    }

    @Test
    void secretsComeFromFilesWithoutTheTrailingNewline() throws Exception {
        Path secret = Files.writeString(dir.resolve("pw"), "p@ss word\n");
        Settings settings = SettingsResolver.resolve(new SettingSources(Map.of(),
                Map.of("DATABASE_URL", "postgresql://app@db:5432/app", "DATABASE_PASSWORD_FILE", secret.toString()), Map.of()));
        assertEquals("p@ss word", settings.databaseUrl().password());
        ConfigException missing = assertThrows(ConfigException.class, () -> SettingsResolver.resolve(new SettingSources(Map.of(),
                Map.of("DATABASE_URL_FILE", dir.resolve("nope").toString()), Map.of())));
        assertTrue(missing.getMessage().startsWith("DATABASE_URL_FILE"), missing.getMessage());
    }

    @Test
    void configFilesAcceptCommentsExportAndQuotes() throws Exception {
        Path file = Files.writeString(dir.resolve("c.env"), "# comment\n\nexport BACKUP_DIR=\"/srv/backups\"\nBACKUP_TIMEZONE='Europe/Istanbul'\n");
        Map<String, String> values = SettingSources.readConfigFile(file);
        assertEquals("/srv/backups", values.get("BACKUP_DIR"));
        assertEquals("Europe/Istanbul", values.get("BACKUP_TIMEZONE"));
        Path bad = Files.writeString(dir.resolve("bad.env"), "BACKUP_DIR\n");
        ConfigException e = assertThrows(ConfigException.class, () -> SettingSources.readConfigFile(bad));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void aValueWithAnUnclosedQuoteIsRefusedWithItsLineAndWithoutTheValue() throws Exception {
        Path file = Files.writeString(dir.resolve("quote.env"), "BACKUP_DIR=/srv\n# comment\nBACKUP_ENCRYPTION_PASSPHRASE='Secret\n");
        ConfigException e = assertThrows(ConfigException.class, () -> SettingSources.readConfigFile(file));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("BACKUP_ENCRYPTION_PASSPHRASE"), e.getMessage());
        assertTrue(!e.getMessage().contains("Secret"), e.getMessage());
        Path command = Files.writeString(dir.resolve("command.env"), "BACKUP_ALERT_COMMAND=notify \"backup failed\"\nA=\"x'y\"\n");
        Map<String, String> values = SettingSources.readConfigFile(command);
        assertEquals("notify \"backup failed\"", values.get("BACKUP_ALERT_COMMAND"), "a bare value keeps its quotes");
        assertEquals("x'y", values.get("A"));
    }

    @Test
    void theClockCanBeFixedForRehearsals() {
        Settings settings = SettingsResolver.resolve(new SettingSources(Map.of(), Map.of("DBBACKUP_NOW", "2025-11-02T02:00:00Z"), Map.of()));
        assertEquals(Instant.parse("2025-11-02T02:00:00Z"), settings.clock().instant());
        assertThrows(ConfigException.class, () -> SettingsResolver.resolve(new SettingSources(Map.of(), Map.of("DBBACKUP_NOW", "yesterday"), Map.of())));
    }
}
