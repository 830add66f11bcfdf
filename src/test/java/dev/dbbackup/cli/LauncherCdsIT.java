package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SqliteFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The `dbbackup` launcher's class-data-sharing archive: made once per build by a separate training run, then used;
 * a rebuilt jar gets a new one and the old one goes; DBBACKUP_CDS=off makes none. The training runs backup and
 * restore, so their classes come from the archive; it reads none of the user's settings. Users see nothing of it:
 * the output is the command's alone.
 */
class LauncherCdsIT {

    private final Path project = Path.of("").toAbsolutePath();
    private final Path target = project.resolve("target");
    private final Path jar = Cli.appJar();
    private FileTime jarTime;

    @BeforeEach
    void removeArchives() throws IOException {
        jarTime = Files.getLastModifiedTime(jar);
        for (Path p : files()) {
            Files.delete(p);
        }
    }

    @AfterEach
    void restore() throws IOException {
        Files.setLastModifiedTime(jar, jarTime);
        for (Path p : files()) {
            Files.delete(p);
        }
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().startsWith("dbbackup-cds-")).sorted().toList();
        }
    }

    private Cli.Result launcher(String cds, String... args) throws Exception {
        Map<String, String> env = new HashMap<>();
        if (cds != null) {
            env.put("DBBACKUP_CDS", cds);
        }
        return launcher(project, env, args);
    }

    private Cli.Result launcher(Path workDir, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(project.resolve("dbbackup").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("DBBACKUP_JAVA_OPTS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the launcher did not finish");
        return new Cli.Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private void assertVersionOnly(Cli.Result result) {
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.stdout().matches("dbbackup \\S+\n"), result::toString);
        assertEquals("", result.stderr(), "nothing about the archive reaches the user");
    }

    @Test
    void theFirstRunMakesTheArchiveLaterRunsUseItARebuildReplacesIt() throws Exception {
        assertVersionOnly(launcher(null, "--version"));
        List<Path> made = files();
        assertEquals(1, made.size(), "one archive, no temporary file left: " + made);
        assertTrue(made.get(0).getFileName().toString().endsWith(".jsa"), made::toString);
        FileTime madeAt = Files.getLastModifiedTime(made.get(0));

        assertVersionOnly(launcher(null, "--version"));
        assertEquals(made, files(), "the archive is made once");
        assertEquals(madeAt, Files.getLastModifiedTime(made.get(0)));

        // a rebuild (a newer jar) gets an archive of its own; the old build's goes
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertVersionOnly(launcher(null, "--version"));
        List<Path> rebuilt = files();
        assertEquals(1, rebuilt.size(), rebuilt::toString);
        assertNotEquals(made, rebuilt);
    }

    @Test
    void theArchiveHoldsWhatBackupRestoreAndThePostgresqlDriverLoad(@TempDir Path dir) throws Exception {
        assertVersionOnly(launcher(null, "--version"));
        Path database = SqliteFixtures.build(SqliteFixtures.CHINOOK_FILE, dir);
        String backups = dir.resolve("backups").toString();

        Path backupLog = dir.resolve("backup-classes.log");
        Cli.Result backup = launcher(dir, classLog(backupLog), "backup", "--database-url", "sqlite:///" + database, "--backup-dir", backups);
        assertEquals(0, backup.exitCode(), backup::toString);
        Path restoreLog = dir.resolve("restore-classes.log");
        Cli.Result restore = launcher(dir, classLog(restoreLog), "restore", "latest", "--yes", "--backup-dir", backups,
                "--database-url", "sqlite:///" + dir.resolve("restored.db"));
        assertEquals(0, restore.exitCode(), restore::toString);
        // nothing listens on port 1: the driver loads, connects, and fails
        Path postgresLog = dir.resolve("postgresql-classes.log");
        Cli.Result postgres = launcher(dir, classLog(postgresLog), "backup", "--database-url", "postgresql://u:p@127.0.0.1:1/db",
                "--backup-dir", backups);
        assertEquals(1, postgres.exitCode(), postgres::toString);

        assertFromArchive(backupLog, "dev.dbbackup.operation.BackupOperation", "dev.dbbackup.engine.sqlite.SqliteDumper",
                "dev.dbbackup.pipeline.ParallelGzipOutputStream", "com.fasterxml.jackson.databind.ObjectMapper", "org.sqlite.jdbc4.JDBC4Connection");
        assertFromArchive(restoreLog, "dev.dbbackup.operation.RestoreOperation", "dev.dbbackup.operation.RestoreExecution",
                "dev.dbbackup.pipeline.DumpReader", "dev.dbbackup.engine.sqlite.RowInserter");
        assertFromArchive(postgresLog, "org.postgresql.Driver", "org.postgresql.core.v3.ConnectionFactoryImpl",
                "dev.dbbackup.engine.postgres.PostgresEngine");
    }

    @Test
    void theTrainingReadsNoSettingOfTheUserAndLeavesNothingBehind(@TempDir Path dir) throws Exception {
        Path alerted = dir.resolve("alerted");
        Map<String, String> settings = Map.of("DATABASE_URL", "sqlite:///./app.db", "BACKUP_DIR", dir.resolve("backups").toString(),
                "BACKUP_LOG_FILE", dir.resolve("dbbackup.log").toString(), "BACKUP_ALERT_COMMAND", "touch " + alerted);

        assertVersionOnly(launcher(dir, settings, "--version"));

        assertEquals(1, files().size(), "the archive was made: " + files());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "no backup, log line or alert of the user's settings; nothing in the working directory");
        }
        try (Stream<Path> left = Files.list(target)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".dbbackup-cds-training")).toList(),
                    "the training folder is removed");
        }
    }

    private static Map<String, String> classLog(Path log) {
        return Map.of("DBBACKUP_JAVA_OPTS", "-Xlog:class+load=info:file=" + log);
    }

    /** Each class was loaded, and from the class-data-sharing archive rather than from its jar. */
    private static void assertFromArchive(Path classLoadLog, String... classes) throws IOException {
        Set<String> archived = new TreeSet<>();
        Set<String> loaded = new TreeSet<>();
        for (String line : Files.readAllLines(classLoadLog)) {
            String[] words = line.split(" ");
            if (words.length > 1) {
                loaded.add(words[1]);
                if (line.contains("source: shared objects file")) {
                    archived.add(words[1]);
                }
            }
        }
        for (String name : classes) {
            assertTrue(loaded.contains(name), name + " was not loaded at all: " + classLoadLog);
            assertTrue(archived.contains(name), name + " was read from its jar, not from the archive");
        }
    }

    @Test
    void dbbackupCdsOffMakesNoArchive() throws Exception {
        assertVersionOnly(launcher("off", "--version"));
        assertEquals(List.of(), files());
    }
}
