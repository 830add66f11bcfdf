package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.storage.local.LocalBackupStore;
import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import dev.dbbackup.testing.ReliabilityReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults injected into real dbbackup processes working against a real PostgreSQL server. */
class PostgresFaultInjectionIT {

    private static final ReliabilityReport REPORT = new ReliabilityReport();

    @TempDir
    Path dir;

    @AfterAll
    static void writeReport() throws IOException {
        REPORT.write("postgresql");
    }

    private static String bigDatabase(PostgresServer server) {
        String db = server.createDatabase("big");
        server.execute(db, "CREATE TABLE big(id bigint PRIMARY KEY, payload text)",
                "INSERT INTO big SELECT g, repeat(md5(g::text), 12) FROM generate_series(1, 400000) g",
                "CREATE TABLE small(id int PRIMARY KEY)", "INSERT INTO small SELECT generate_series(1, 10)");
        return db;
    }

    private Map<String, String> env(PostgresServer server, String db, String now) {
        return Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + server.port() + "/" + db, "DBBACKUP_NOW", now);
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Cli.command(args)).directory(dir.toFile())
                .redirectOutput(dir.resolve("bg.out").toFile()).redirectError(dir.resolve("bg.err").toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private List<String> backupFiles() throws IOException {
        return backupFiles(dir.resolve("backups"));
    }

    private static List<String> backupFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("backup_")).sorted().toList();
        }
    }

    private static void awaitTemporary(Path folder, long minBytes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.walk(folder)) {
                    if (files.anyMatch(p -> p.getFileName().toString().startsWith(LocalBackupStore.TEMP_PREFIX) && size(p) >= minBytes)) {
                        return;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no temporary file of " + minBytes + " bytes appeared in " + folder);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void terminatingTheBackendMidDumpLeavesNoBackup() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String db = bigDatabase(server);
        Cli.Result earlier = Cli.run(dir, env(server, db, "2025-11-03T02:00:00Z"), "backup", "--type", "daily");
        assertEquals(0, earlier.exitCode(), earlier::toString);
        String earlierSum = SqliteBackupCliIT.sha256(dir.resolve("backups/daily/backup_daily_20251103_020000.sql.gz"));

        Process backup = start(env(server, db, "2025-11-04T02:00:00Z"), "backup", "--type", "daily");
        awaitTemporary(dir.resolve("backups"), 200_000);
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db
                     + "' AND application_name = 'dbbackup'")) {
            assertTrue(rs.next(), "the dump's backend was found");
        }
        assertTrue(backup.waitFor(120, TimeUnit.SECONDS));
        String stderr = Files.readString(dir.resolve("bg.err"));
        assertEquals(1, backup.exitValue(), stderr);
        assertTrue(stderr.contains("big"), "the message names the table being copied: " + stderr);
        assertTrue(stderr.contains("no backup file was written"), stderr);
        assertEquals(List.of("backup_daily_20251103_020000.sql.gz", "backup_daily_20251103_020000.sql.gz.json"), backupFiles());
        assertEquals(earlierSum, SqliteBackupCliIT.sha256(dir.resolve("backups/daily/backup_daily_20251103_020000.sql.gz")));
        server.dropDatabase(db);
        REPORT.add("postgresql", "database goes away mid-dump", "pg_terminate_backend of the dump's session while copying a 16 MB table",
                "exit 1 naming the table; no backup file or manifest; earlier backup byte-identical");
    }

    @Test
    void killMinus9MidRestoreLeavesTheTargetAsItWas() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String source = bigDatabase(server);
        assertEquals(0, Cli.run(dir, env(server, source, "2025-11-04T02:00:00Z"), "backup", "--type", "daily").exitCode());
        String target = server.createDatabase("target");
        server.execute(target, "CREATE TABLE keep_me(id int)", "INSERT INTO keep_me SELECT generate_series(1, 100)");
        PostgresSnapshot before = PostgresSnapshot.take(server, target);

        Process restore = start(env(server, target, "2025-11-04T03:00:00Z"), "restore",
                dir.resolve("backups/daily/backup_daily_20251104_020000.sql.gz").toString(), "--clean", "--yes",
                "--from-database", source);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        boolean copying = false;
        while (!copying && System.nanoTime() < deadline && restore.isAlive()) {
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + target
                         + "' AND query ILIKE 'COPY%'")) {
                rs.next();
                copying = rs.getLong(1) > 0;
            }
            Thread.sleep(20);
        }
        assertTrue(copying, "the restore reached its COPY: " + Files.readString(dir.resolve("bg.err")));
        restore.destroyForcibly().waitFor();
        Thread.sleep(1000);
        assertEquals(List.of(), before.differences(PostgresSnapshot.take(server, target)), "the target is as it was");
        server.dropDatabase(target);
        server.dropDatabase(source);
        REPORT.add("postgresql", "kill -9 mid-restore", "SIGKILL of `dbbackup restore --clean --yes` during the COPY of a 400,000-row table",
                "the server rolls the single transaction back: target schema and rows identical to before");
    }

    private static void signal(Process process, String signal) {
        Cli.Result sent = Cli.tool(Path.of("/"), "kill", "-" + signal, Long.toString(process.pid()));
        assertEquals(0, sent.exitCode(), sent::toString);
    }

    private static long count(PostgresServer server, String db, String sql) throws Exception {
        try (Connection c = server.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String errorLine(String stderr) {
        List<String> errors = stderr.lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), "one error line: " + stderr);
        return errors.get(0);
    }

    @Test
    void runsOnOneDatabaseExcludeEachOtherWhateverTheirFolderAndADeadHolderLeavesNoLock() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        for (String role : List.of("lock_owner", "lock_other")) {
            server.execute("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN CREATE ROLE "
                    + role + " LOGIN NOSUPERUSER; END IF; END $$");
        }
        String db = server.createDatabase("locked");
        server.execute("postgres", "ALTER DATABASE " + db + " OWNER TO lock_owner");
        server.execute(db, "ALTER SCHEMA public OWNER TO lock_owner", "SET ROLE lock_owner",
                "CREATE TABLE big(id bigint PRIMARY KEY, payload text)",
                "INSERT INTO big SELECT g, repeat(md5(g::text), 12) FROM generate_series(1, 400000) g");
        String neighbour = server.createDatabase("neighbour");
        server.execute(neighbour, "CREATE TABLE t(id int)", "INSERT INTO t VALUES (1)");
        String base = "@127.0.0.1:" + server.port() + "/";
        String asOwner = "postgresql://lock_owner:owner-secret-pw" + base + db;
        String asOther = "postgresql://lock_other:other-secret-pw" + base + db;
        Cli.Result toRestore = Cli.run(dir, Map.of("DATABASE_URL", "postgresql://postgres" + base + neighbour, "BACKUP_DIR", "./backups-c",
                "DBBACKUP_NOW", "2025-11-03T02:00:00Z"), "backup", "--type", "daily");
        assertEquals(0, toRestore.exitCode(), toRestore::toString);

        // The holder: a backup by a non-superuser, paused (SIGSTOP) in the middle of its dump.
        Process holder = start(Map.of("DATABASE_URL", asOwner, "BACKUP_DIR", "./backups-a", "DBBACKUP_NOW", "2025-11-04T02:00:00Z"),
                "backup", "--type", "daily");
        awaitTemporary(dir.resolve("backups-a"), 200_000);
        signal(holder, "STOP");
        Cli.Result blocked;
        Cli.Result restore;
        Cli.Result other;
        try {
            blocked = Cli.run(dir, Map.of("DATABASE_URL", asOther, "BACKUP_DIR", "./backups-b", "DBBACKUP_NOW", "2025-11-04T02:05:00Z"),
                    "backup", "--type", "daily");
            restore = Cli.run(dir, Map.of("DATABASE_URL", asOwner, "BACKUP_DIR", "./backups-c"), "restore", "latest", "--clean", "--yes",
                    "--from-database", neighbour);
            other = Cli.run(dir, Map.of("DATABASE_URL", "postgresql://postgres:other-secret-pw" + base + neighbour, "BACKUP_DIR",
                    "./backups-d", "DBBACKUP_NOW", "2025-11-04T02:05:00Z"), "backup", "--type", "daily");
            assertTrue(holder.isAlive(), "the holder was running all along");
        } finally {
            holder.destroyForcibly().waitFor();
        }

        assertEquals(5, blocked.exitCode(), blocked::toString);
        String line = errorLine(blocked.stderr());
        assertTrue(line.contains("database postgresql://lock_other:***" + base + db + " is in use by another dbbackup run: pid "
                + holder.pid() + " on "), "names the database and the holder's pid: " + line);
        assertTrue(line.matches(".* since 20\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(backup; its PostgreSQL session is pid \\d+\\)"),
                "names the holder's start time, as another role sees it: " + line);
        assertTrue(blocked.stderr().contains("hint: wait for that run to finish"), blocked.stderr());
        assertEquals(List.of(), backupFiles(dir.resolve("backups-b")), "the refused run wrote nothing");

        assertEquals(5, restore.exitCode(), restore::toString);
        assertTrue(errorLine(restore.stderr()).contains("pid " + holder.pid()), restore.stderr());
        assertEquals(400_000, count(server, db, "SELECT count(*) FROM big"), "the restore --clean did not touch the database");
        assertEquals(0, count(server, db, "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = 't'"));

        assertEquals(0, other.exitCode(), "another database on the same server is not blocked: " + other);
        for (Cli.Result result : List.of(blocked, restore, other)) {
            assertFalse(result.all().contains("secret-pw"), "no password in any output: " + result);
        }

        // kill -9 of the holder ends its session on the server, and with it the lock.
        Cli.Result next = Cli.run(dir, Map.of("DATABASE_URL", asOwner, "BACKUP_DIR", "./backups-b", "DBBACKUP_NOW", "2025-11-04T02:10:00Z"),
                "backup", "--type", "daily");
        assertEquals(0, next.exitCode(), next::toString);
        assertEquals(0, Cli.run(dir, Map.of("DATABASE_URL", asOwner, "BACKUP_DIR", "./backups-b"), "verify", "--all").exitCode());
        server.dropDatabase(db);
        server.dropDatabase(neighbour);
        REPORT.add("postgresql", "database lock", "a `backup` (another role, another BACKUP_DIR) and a `restore --clean` of the same database"
                        + " while a non-superuser's backup is paused mid-dump (SIGSTOP); a backup of another database on the server; then"
                        + " SIGKILL of the holder",
                "both exit 5 with one line naming the database (no password) and the holder's pid, host and start time; the database"
                        + " is untouched; the other database's backup succeeds; after the kill the next backup succeeds at once");
    }

    @Test
    void stoppingTheServerMidDumpLeavesNoBackupAndTheNextRunSucceeds() throws Exception {
        PostgresServer server = PostgresServers.dedicated(PostgresServers.newest());
        try {
            String db = bigDatabase(server);
            String url = "postgresql://postgres:stop-secret-pw@127.0.0.1:" + server.port() + "/" + db;
            Cli.Result earlier = Cli.run(dir, Map.of("DATABASE_URL", url, "DBBACKUP_NOW", "2025-11-03T02:00:00Z"), "backup", "--type", "daily");
            assertEquals(0, earlier.exitCode(), earlier::toString);
            Path earlierFile = dir.resolve("backups/daily/backup_daily_20251103_020000.sql.gz");
            String earlierSum = SqliteBackupCliIT.sha256(earlierFile);
            List<String> earlierFiles = List.of("backup_daily_20251103_020000.sql.gz", "backup_daily_20251103_020000.sql.gz.json");

            for (String mode : List.of("fast", "immediate")) {
                Process backup = start(Map.of("DATABASE_URL", url, "DBBACKUP_NOW", "2025-11-04T02:00:00Z"), "backup", "--type", "daily");
                awaitTemporary(dir.resolve("backups"), 200_000);
                server.stop(mode);
                assertTrue(backup.waitFor(120, TimeUnit.SECONDS), "the backup ends when the server goes (" + mode + ")");
                String stderr = Files.readString(dir.resolve("bg.err"));
                String stdout = Files.readString(dir.resolve("bg.out"));
                assertEquals(1, backup.exitValue(), mode + ": " + stderr);
                String line = errorLine(stderr);
                assertTrue(line.startsWith("error: backup of " + db + " failed: "), "names the database: " + line);
                assertTrue(stderr.contains("no backup file was written"), stderr);
                assertFalse((stdout + stderr).contains("stop-secret-pw"), "no password: " + stderr);

                assertEquals(earlierFiles, backupFiles(), mode + ": no backup file or manifest from the failed run");
                try (Stream<Path> files = Files.walk(dir.resolve("backups"))) {
                    assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(LocalBackupStore.TEMP_PREFIX)).toList(),
                            "no temporary file left");
                }
                Cli.Result list = Cli.run(dir, Map.of("DATABASE_URL", url), "list");
                assertEquals(0, list.exitCode(), list::toString);
                assertEquals(1, list.stdout().lines().filter(l -> l.contains("backup_daily_")).count(), "list shows nothing new: " + list);
                assertEquals(earlierSum, SqliteBackupCliIT.sha256(earlierFile));
                assertEquals(0, Cli.run(dir, Map.of("DATABASE_URL", url), "verify", "--all").exitCode(), "the earlier backup verifies");
                server.start();
            }

            Cli.Result next = Cli.run(dir, Map.of("DATABASE_URL", url, "DBBACKUP_NOW", "2025-11-04T02:00:00Z"), "backup", "--type", "daily");
            assertEquals(0, next.exitCode(), next::toString);
            assertEquals(List.of("backup_daily_20251103_020000.sql.gz", "backup_daily_20251103_020000.sql.gz.json",
                    "backup_daily_20251104_020000.sql.gz", "backup_daily_20251104_020000.sql.gz.json"), backupFiles());
            assertEquals(0, Cli.run(dir, Map.of("DATABASE_URL", url), "verify", "--all").exitCode());
        } finally {
            try {
                server.stop("immediate");
            } catch (RuntimeException alreadyStopped) {
                // a failed assertion may have left it stopped
            }
        }
        REPORT.add("postgresql", "server stopped mid-dump", "`pg_ctl stop -m fast`, then `-m immediate`, of the server while a backup copies"
                        + " a 16 MB table; the server started again",
                "exit 1 with one line naming the database (no password); no backup file, manifest or temporary file; `list` shows"
                        + " nothing new; earlier backup byte-identical and verifies; the next backup succeeds");
    }
}
