package dev.dbbackup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CompressionSettingsTest {

    private static Settings resolve(Map<String, String> flags, Map<String, String> env) {
        return SettingsResolver.resolve(new SettingSources(flags, env, Map.of()));
    }

    @Test
    void defaultIsGzipLevelSixOnEveryCore() {
        Settings settings = resolve(Map.of(), Map.of());
        assertEquals("gzip:6", settings.compression().toString());
        assertEquals(0, settings.compression().threads());
        assertEquals(".gz", settings.compression().suffix());
    }

    @Test
    void theOldLevelVariableStillSetsTheGzipLevel() {
        assertEquals("gzip:1", resolve(Map.of(), Map.of("BACKUP_COMPRESSION_LEVEL", "1")).compression().toString());
        assertEquals("gzip:9", resolve(Map.of(), Map.of("BACKUP_COMPRESSION", "gzip", "BACKUP_COMPRESSION_LEVEL", "9")).compression().toString());
        assertEquals("gzip:3", resolve(Map.of(), Map.of("BACKUP_COMPRESSION", "gzip:3", "BACKUP_COMPRESSION_LEVEL", "9")).compression().toString());
        assertEquals("zstd:3", resolve(Map.of(), Map.of("BACKUP_COMPRESSION", "zstd", "BACKUP_COMPRESSION_LEVEL", "9")).compression().toString());
    }

    @Test
    void theFlagBeatsTheEnvironment() {
        Settings settings = resolve(Map.of("BACKUP_COMPRESSION", "zstd:12"), Map.of("BACKUP_COMPRESSION", "gzip:1", "BACKUP_COMPRESSION_THREADS", "1"));
        assertEquals("zstd:12", settings.compression().toString());
        assertEquals(".zst", settings.compression().suffix());
        assertEquals(1, settings.compression().threads());
    }

    @Test
    void aBadCompressionIsAConfigErrorThatSaysWhatIsAccepted() {
        ConfigException e = assertThrows(ConfigException.class, () -> resolve(Map.of(), Map.of("BACKUP_COMPRESSION", "zstd:22")));
        assertTrue(e.getMessage().startsWith("BACKUP_COMPRESSION") && e.getMessage().contains("zstd:1..19"), e.getMessage());
        ConfigException threads = assertThrows(ConfigException.class, () -> resolve(Map.of(), Map.of("BACKUP_COMPRESSION_THREADS", "-2")));
        assertTrue(threads.getMessage().startsWith("BACKUP_COMPRESSION_THREADS"), threads.getMessage());
    }
}
