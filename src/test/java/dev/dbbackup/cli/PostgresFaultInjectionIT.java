package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        try (Stream<Path> files = Files.walk(dir.resolve("backups"))) {
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
                dir.resolve("backups/daily/backup_daily_20251104_020000.sql.gz").toString(), "--clean", "--yes");
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
}
