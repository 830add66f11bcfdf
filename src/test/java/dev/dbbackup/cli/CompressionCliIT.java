package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SampleDatabase;
import dev.dbbackup.testing.SqliteDatabaseComparator;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --compression / BACKUP_COMPRESSION through the real packaged command line, checked with the stock tools. */
class CompressionCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path app;

    @BeforeEach
    void createDatabase() throws Exception {
        app = SampleDatabase.create(dir.resolve("app.db"));
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "sqlite:///./app.db");
        env.put("DBBACKUP_NOW", "2025-11-04T02:00:00Z");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void zstdBackupOpensWithStockZstdAndRestoresThroughUs() throws Exception {
        Cli.Result backup = Cli.run(dir, env(), "backup", "--type", "daily", "--compression", "zstd:5");
        assertEquals(0, backup.exitCode(), backup::toString);
        Path file = dir.resolve("backups/daily/backup_daily_20251104_020000.sql.zst");
        assertTrue(backup.stdout().contains(file.getFileName().toString()), backup.stdout());

        assertEquals(0, Cli.tool(dir, "zstd", "-q", "-t", file.toString()).exitCode(), "zstd -t must pass");
        Cli.Result stock = Cli.tool(dir, "sh", "-c", "zstd -q -d -c '" + file + "' | sqlite3 -bail stock.db");
        assertEquals(0, stock.exitCode(), stock::toString);
        SqliteDatabaseComparator.assertSameContent(app, dir.resolve("stock.db"));
        assertEquals("zstd:5", JSON.readTree(dir.resolve("backups/daily/" + file.getFileName() + ".json").toFile()).get("compression").asText());

        Cli.Result verify = Cli.run(dir, env(), "verify", "latest");
        assertEquals(0, verify.exitCode(), verify::toString);
        Cli.Result restore = Cli.run(dir, env(), "restore", "latest", "--database-url", "sqlite:///./restored.db", "--yes");
        assertEquals(0, restore.exitCode(), restore::toString);
        SqliteDatabaseComparator.assertSameContent(app, dir.resolve("restored.db"));
    }

    @Test
    void environmentPicksTheGzipLevelAndThreadsAndGunzipReadsIt() throws Exception {
        Cli.Result backup = Cli.run(dir, env("BACKUP_COMPRESSION", "gzip:1", "BACKUP_COMPRESSION_THREADS", "1"), "backup", "--type", "weekly");
        assertEquals(0, backup.exitCode(), backup::toString);
        Path file = dir.resolve("backups/weekly/backup_weekly_20251104_020000.sql.gz");
        assertEquals(0, Cli.tool(dir, "gunzip", "-t", file.toString()).exitCode(), "gunzip -t must pass");
        Cli.Result stock = Cli.tool(dir, "sh", "-c", "gunzip -c '" + file + "' | sqlite3 -bail stock.db");
        assertEquals(0, stock.exitCode(), stock::toString);
        SqliteDatabaseComparator.assertSameContent(app, dir.resolve("stock.db"));
        assertEquals("gzip:1", JSON.readTree(dir.resolve("backups/weekly/" + file.getFileName() + ".json").toFile()).get("compression").asText());
    }

    @Test
    void anUnknownCompressionIsAUsageErrorThatSaysWhatIsAccepted() {
        Cli.Result result = Cli.run(dir, env(), "backup", "--compression", "lz4:1");
        assertEquals(2, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("error: BACKUP_COMPRESSION 'lz4:1' is not a compression"), result.stderr());
        assertTrue(result.stderr().contains("hint:") && result.stderr().contains("zstd:3"), result.stderr());
    }
}
