package dev.dbbackup.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's monitoring step is {@code grep ERROR logs/backup.log}: every failed run must leave a timestamped ERROR line
 * there, both with {@code --log-file logs/backup.log} and under cron's {@code >> logs/backup.log 2>&1} (no terminal).
 */
class FailuresInTheLogDrillIT {

    private static final Pattern ERROR_LINE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} ERROR .+");
    private static final String PASSWORD = "Pw-log-drill-never-printed";

    @TempDir
    Path dir;

    private List<String> grepError(Path log) throws Exception {
        Cli.Result grep = Cli.tool(dir, "grep", "ERROR", log.toString());
        return grep.stdout().lines().toList();
    }

    @Test
    void aMissingSqliteDatabaseIsAnErrorLineInTheLogFileAndOnCronsStderr() throws Exception {
        Cli.Result failed = Cli.run(dir, Map.of("DATABASE_URL", "sqlite:///./missing.db"), "backup", "--log-file", "logs/backup.log");

        assertEquals(2, failed.exitCode(), failed::toString);
        List<String> errors = grepError(dir.resolve("logs/backup.log"));
        assertEquals(1, errors.size(), "one ERROR line in the log file: " + errors);
        assertTrue(ERROR_LINE.matcher(errors.get(0)).matches() && errors.get(0).contains("missing.db"), errors::toString);
        assertTrue(failed.stderr().lines().anyMatch(l -> ERROR_LINE.matcher(l).matches()),
                "with no terminal (cron: >> logs/backup.log 2>&1) stderr carries the ERROR line too: " + failed);
        assertTrue(failed.stderr().lines().anyMatch(l -> l.startsWith("error: ")), failed::toString);
    }

    @Test
    void aPostgresLoginFailureIsAnErrorLineInTheLogFileWithoutThePassword() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        Map<String, String> env = Map.of("DATABASE_URL",
                "postgresql://no_such_role:" + PASSWORD + "@127.0.0.1:" + server.port() + "/postgres");

        Cli.Result failed = Cli.run(dir, env, "backup", "--log-file", "logs/backup.log");

        assertEquals(1, failed.exitCode(), failed::toString);
        List<String> errors = grepError(dir.resolve("logs/backup.log"));
        assertEquals(1, errors.size(), "one ERROR line in the log file: " + errors);
        assertTrue(ERROR_LINE.matcher(errors.get(0)).matches() && errors.get(0).contains("no_such_role"), errors::toString);
        String log = Files.readString(dir.resolve("logs/backup.log"));
        assertFalse(log.contains(PASSWORD) || failed.all().contains(PASSWORD), "the password never reaches a log: " + log);
    }
}
