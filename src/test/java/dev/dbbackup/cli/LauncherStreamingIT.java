package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SampleDatabase;
import dev.dbbackup.testing.SqliteDatabaseComparator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that stream a whole database start through the `dbbackup` launcher with JVM options of their own (the
 * compiler thresholds of docs/performance.md): the JVM accepts them, and a backup and its restore work end to end with
 * nothing but the command's own output.
 */
class LauncherStreamingIT {

    private final Path project = Path.of("").toAbsolutePath();

    @TempDir
    Path dir;

    private Cli.Result launcher(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(project.resolve("dbbackup").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("BACKUP_") || name.startsWith("DBBACKUP_")
                || name.equals("DATABASE_URL") || name.equals("JAVA_TOOL_OPTIONS") || name.equals("JDK_JAVA_OPTIONS"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // the archive is LauncherCdsIT's subject; this test must not make or remove one
        builder.environment().put("DBBACKUP_CDS", "off");
        Process process = builder.start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the launcher did not finish");
        return new Cli.Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aBackupAndItsRestoreRunThroughTheLauncher() throws Exception {
        Path app = SampleDatabase.create(dir.resolve("app.db"));

        Cli.Result backup = launcher("backup", "--database-url", "sqlite:///./app.db", "--backup-dir", "./backups", "--type", "daily",
                "-q");
        assertEquals(0, backup.exitCode(), backup::toString);
        assertEquals("", backup.stderr(), "no JVM warning reaches the user");
        Path file;
        try (Stream<Path> files = Files.list(dir.resolve("backups/daily"))) {
            file = files.filter(p -> p.getFileName().toString().endsWith(".sql.gz")).findFirst().orElseThrow();
        }

        Cli.Result restore = launcher("restore", file.toString(), "--backup-dir", "./backups", "--database-url", "sqlite:///./copy.db",
                "--yes", "-q");
        assertEquals(0, restore.exitCode(), restore::toString);
        assertEquals("", restore.stderr(), "no JVM warning reaches the user");
        assertEquals(List.of(), SqliteDatabaseComparator.compare(app, dir.resolve("copy.db")));
    }
}
