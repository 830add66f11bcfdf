package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.engine.CreatedDatabase;
import dev.dbbackup.engine.postgres.PostgresEngine;
import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import dev.dbbackup.testing.PostgresTortureDatabase;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disaster recovery onto a fresh server: a restore into a PostgreSQL database that does not exist creates it, and a restore
 * that fails (or is stopped) drops it again, through the real packaged command line.
 */
class PostgresRestoreNewDatabaseCliIT {

    private static final String PASSWORD = "Pw-51ab7-never-printed";
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    static Path shared;

    private static PostgresServer server;
    private static String source;
    private static Path backup;

    @TempDir
    Path dir;

    @BeforeAll
    static void backUpTheTortureDatabase() throws IOException {
        server = PostgresServers.version(PostgresServers.newest());
        source = PostgresTortureDatabase.create(server);
        Cli.Result made = Cli.run(shared, Map.of("DATABASE_URL", url(source)), "backup", "--type", "daily");
        assertEquals(0, made.exitCode(), made::toString);
        backup = onlyBackup(shared.resolve("backups/daily"));
    }

    private static Path onlyBackup(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".sql.gz")).findFirst().orElseThrow();
        }
    }

    private static String url(String database) {
        return url("postgres", database);
    }

    private static String url(String user, String database) {
        return "postgresql://" + user + ":" + PASSWORD + "@127.0.0.1:" + server.port() + "/" + database;
    }

    /** A name that must be quoted in SQL (upper case, a hyphen), so CREATE and DROP DATABASE quote it. */
    private static String missingName(String prefix) {
        return prefix + "-New_" + NAMES.incrementAndGet();
    }

    private Cli.Result restore(Path file, String database, String... flags) {
        return restoreWithUrl(file, url(database), flags);
    }

    private Cli.Result restoreWithUrl(Path file, String databaseUrl, String... flags) {
        List<String> args = new java.util.ArrayList<>(List.of("restore", file.toString(), "--database-url", databaseUrl));
        args.addAll(List.of(flags));
        Cli.Result result = Cli.run(dir, Map.of("DATABASE_URL", url(source)), args.toArray(String[]::new));
        assertFalse(result.all().contains(PASSWORD), "the password appears in: " + result);
        return result;
    }

    private static boolean exists(String database) throws Exception {
        try (Connection c = server.connect("postgres"); PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
            s.setString(1, database);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 1;
            }
        }
    }

    private static void drop(String database) {
        server.dropDatabase("\"" + database + "\"");
    }

    private static String errorLine(Cli.Result result) {
        List<String> errors = result.stderr().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), "one error line: " + result);
        return errors.get(0);
    }

    @Test
    void restoreIntoAMissingDatabaseCreatesItAndTheRestoredDatabaseEqualsTheSource() throws Exception {
        String target = missingName("Restored");
        assertFalse(exists(target));

        Cli.Result restored = restore(backup, target, "--yes");

        assertEquals(0, restored.exitCode(), restored::toString);
        assertTrue(exists(target));
        assertEquals(List.of(), PostgresSnapshot.take(server, source).differences(PostgresSnapshot.take(server, target)));
        Cli.Result again = restore(backup, target, "--yes");
        assertEquals(4, again.exitCode(), "the database it created is an ordinary full target now: " + again);
        drop(target);
    }

    @Test
    void aBackupDamagedInItsLastBytesIsRefusedAndTheDatabaseItCreatedIsDroppedAgain() throws Exception {
        // Flip a bit of the gzip trailer's CRC: every statement decompresses and runs, and only the end of the single pass
        // finds the damage, after the database was created and filled (uncommitted).
        Path damagedFolder = Files.createDirectories(dir.resolve("damaged/daily"));
        Path damaged = Files.copy(backup, damagedFolder.resolve(backup.getFileName()));
        Files.copy(Path.of(backup + ".json"), Path.of(damaged + ".json"));
        try (RandomAccessFile file = new RandomAccessFile(damaged.toFile(), "rw")) {
            long at = file.length() - 8;
            file.seek(at);
            int b = file.read();
            file.seek(at);
            file.write(b ^ 0x01);
        }
        String target = missingName("Damaged");

        Cli.Result refused = restore(damaged, target, "--yes");

        assertEquals(3, refused.exitCode(), refused::toString);
        assertTrue(errorLine(refused).contains("restore of " + damaged + " stopped"), refused.stderr());
        assertTrue(refused.stderr().contains("was dropped again: nothing was left behind"), refused.stderr());
        assertFalse(exists(target), "the database the failed restore created is gone");
    }

    @Test
    void aRoleWithoutCreatedbGetsOneClearLineAndExitCode2AndNothingIsCreated() throws Exception {
        server.execute("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'restorer_nocreatedb') THEN"
                + " CREATE ROLE restorer_nocreatedb LOGIN NOCREATEDB; END IF; END $$");
        String target = missingName("NoCreatedb");

        Cli.Result refused = restoreWithUrl(backup, url("restorer_nocreatedb", target), "--yes");

        assertEquals(2, refused.exitCode(), refused::toString);
        String error = errorLine(refused);
        assertTrue(error.contains("database '" + target + "' on 127.0.0.1:" + server.port() + " does not exist and role"
                + " 'restorer_nocreatedb' may not create it"), error);
        assertTrue(error.contains("createdb -O restorer_nocreatedb " + target), error);
        assertFalse(refused.stderr().contains("cannot lock"), refused.stderr());
        assertFalse(exists(target));
    }

    @Test
    void dryRunSaysItWouldCreateTheDatabaseAndCreatesNothing() throws Exception {
        String target = missingName("DryRun");

        Cli.Result dryRun = restore(backup, target, "--dry-run");

        assertEquals(0, dryRun.exitCode(), dryRun::toString);
        assertTrue(dryRun.stdout().contains("into new database '" + target + "' on 127.0.0.1:" + server.port()), dryRun.stdout());
        assertTrue(dryRun.stdout().contains("the target does not exist yet; the restore would create it"), dryRun.stdout());
        assertFalse(exists(target));
    }

    @Test
    void theQuestionSaysTheDatabaseWillBeCreatedAndNoCreatesNothing() throws Exception {
        String target = missingName("Asked");
        // script(1) gives the restore a terminal to ask on; the answer is "no".
        String command = Cli.command("restore", backup.toString(), "--database-url", url(target)).stream()
                .map(arg -> "'" + arg.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
        ProcessBuilder builder = new ProcessBuilder("script", "-qec", command, "/dev/null").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("asked.out").toFile());
        builder.environment().put("DATABASE_URL", url(source));
        Process asked = builder.start();
        asked.getOutputStream().write("no\n".getBytes());
        asked.getOutputStream().flush();
        assertTrue(asked.waitFor(120, TimeUnit.SECONDS));
        String output = Files.readString(dir.resolve("asked.out"));

        assertEquals(6, asked.exitValue(), output);
        assertTrue(output.contains("into new database '" + target + "' on 127.0.0.1:" + server.port() + " (it will be created)?"), output);
        assertFalse(output.contains(PASSWORD), output);
        assertFalse(exists(target));
    }

    @Test
    void twoRestoresIntoTheSameMissingDatabaseAtOnceLetExactlyOneWin() throws Exception {
        String target = missingName("Raced");
        List<Process> runs = new java.util.ArrayList<>();
        for (String name : List.of("first", "second")) {
            Path work = Files.createDirectories(dir.resolve(name));
            Path folder = Files.createDirectories(work.resolve("backups/daily"));
            Path file = Files.copy(backup, folder.resolve(backup.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            Files.copy(Path.of(backup + ".json"), Path.of(file + ".json"));
            ProcessBuilder builder = new ProcessBuilder(Cli.command("restore", file.toString(), "--database-url", url(target), "--yes"))
                    .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("out").toFile());
            builder.environment().put("DATABASE_URL", url(source));
            runs.add(builder.start());
        }
        Map<Integer, String> outcomes = new HashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            assertTrue(runs.get(i).waitFor(180, TimeUnit.SECONDS));
            outcomes.merge(runs.get(i).exitValue(), Files.readString(dir.resolve(i == 0 ? "first/out" : "second/out")), String::concat);
        }

        assertEquals(2, outcomes.size(), "one run restores, the other is refused: " + outcomes);
        assertTrue(outcomes.containsKey(0), outcomes.toString());
        assertTrue(outcomes.containsKey(5) || outcomes.containsKey(4), "refused as locked (5) or already restored (4): " + outcomes);
        assertEquals(List.of(), PostgresSnapshot.take(server, source).differences(PostgresSnapshot.take(server, target)));
        drop(target);
    }

    @Test
    void creatingAnExistingDatabaseCreatesNothingAndAnUnkeptCreatedDatabaseIsDroppedOnClose() throws Exception {
        PostgresEngine engine = new PostgresEngine();
        String name = missingName("Engine");
        Optional<CreatedDatabase> created = engine.createDatabase(server.url(name));
        assertTrue(created.isPresent());
        assertTrue(exists(name));
        assertEquals(Optional.empty(), engine.createDatabase(server.url(name)), "the second CREATE DATABASE loses (42P04) quietly");
        created.get().close();
        assertFalse(exists(name));

        Optional<CreatedDatabase> kept = engine.createDatabase(server.url(name));
        kept.orElseThrow().keep();
        kept.get().close();
        assertTrue(exists(name), "a kept database stays");
        drop(name);
    }

    @Test
    void aRestoreStoppedWithSigtermDropsTheDatabaseItCreated() throws Exception {
        String big = server.createDatabase("big_for_stop");
        server.execute(big, "CREATE TABLE big(id bigint PRIMARY KEY, payload text)",
                "INSERT INTO big SELECT g, repeat(md5(g::text), 12) FROM generate_series(1, 400000) g");
        Path work = Files.createDirectories(dir.resolve("stop"));
        Cli.Result made = Cli.run(work, Map.of("DATABASE_URL", url(big)), "backup", "--type", "daily");
        assertEquals(0, made.exitCode(), made::toString);
        String target = missingName("Stopped");

        ProcessBuilder builder = new ProcessBuilder(Cli.command("restore", onlyBackup(work.resolve("backups/daily")).toString(),
                "--database-url", url(target), "--yes")).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("out").toFile());
        builder.environment().put("DATABASE_URL", url(big));
        Process restore = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        boolean copying = false;
        while (!copying && System.nanoTime() < deadline && restore.isAlive()) {
            try (Connection c = server.connect("postgres"); PreparedStatement s = c.prepareStatement(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND query ILIKE 'COPY%'")) {
                s.setString(1, target);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    copying = rs.getLong(1) > 0;
                }
            }
            Thread.sleep(20);
        }
        assertTrue(copying, "the restore reached its COPY: " + Files.readString(work.resolve("out")));
        Cli.Result sent = Cli.tool(Path.of("/"), "kill", "-TERM", Long.toString(restore.pid()));
        assertEquals(0, sent.exitCode(), sent::toString);
        assertTrue(restore.waitFor(60, TimeUnit.SECONDS));

        assertFalse(exists(target), "the database the stopped restore created is gone: " + Files.readString(work.resolve("out")));
        server.dropDatabase(big);
    }
}
