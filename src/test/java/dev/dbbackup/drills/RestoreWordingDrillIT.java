package dev.dbbackup.drills;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's "Dry run (test without changes)" on the live database reports what a restore would do instead of failing,
 * and the wording of refusals and test-restores names the right things for the engine at hand.
 */
class RestoreWordingDrillIT {

    @TempDir
    Path dir;

    @Test
    void dryRunOfAFileOntoTheLiveDatabaseReportsTheRefusalInsteadOfFailing() throws Exception {
        Path app = SampleDatabase.create(dir.resolve("app.db"));
        Map<String, String> env = Map.of("DATABASE_URL", "sqlite:///./app.db", "DBBACKUP_NOW", "2025-11-03T02:00:00Z");
        assertEquals(0, Cli.run(dir, env, "backup").exitCode());
        byte[] before = Files.readAllBytes(app);

        Cli.Result dryRun = Cli.run(dir, env, "restore", "backups/daily/backup_daily_20251103_020000.sql.gz", "--dry-run");

        assertEquals(0, dryRun.exitCode(), dryRun::toString);
        assertTrue(dryRun.stdout().contains("passed validation") && dryRun.stdout().contains("would be refused (exit 4)")
                && dryRun.stdout().contains("--clean"), dryRun::toString);
        assertArrayEquals(before, Files.readAllBytes(app));
    }

    @Test
    void postgresRefusalHintNamesAPostgresTargetAndTheTestRestoreLogNamesItsScratchDatabase() {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String database = server.createDatabase("drill_wording");
        server.execute(database, "CREATE TABLE bots (id int PRIMARY KEY, name text)", "INSERT INTO bots VALUES (1, 'one')");
        Map<String, String> env = Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + server.port() + "/" + database);
        assertEquals(0, Cli.run(dir, env, "backup").exitCode());

        Cli.Result refused = Cli.run(dir, env, "restore", "latest", "--yes");
        assertEquals(4, refused.exitCode(), refused::toString);
        List<String> hints = refused.stderr().lines().filter(l -> l.startsWith("hint: ")).toList();
        assertEquals(1, hints.size(), refused::toString);
        assertTrue(hints.get(0).contains("postgresql://") && !hints.get(0).contains("sqlite:"), hints::toString);

        Cli.Result testRestore = Cli.run(dir, env, "verify", "--restore", "latest");
        assertEquals(0, testRestore.exitCode(), testRestore::toString);
        String line = testRestore.stderr().lines().filter(l -> l.contains("into scratch target")).findFirst().orElseThrow();
        assertTrue(line.contains("dbbackup_scratch_") && !line.endsWith("/" + database), line);
        assertFalse(line.matches(".*/" + database + "(\\s.*)?$"), line);
        server.dropDatabase(database);
    }
}
