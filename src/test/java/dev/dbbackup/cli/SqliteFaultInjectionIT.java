package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.storage.local.LocalBackupStore;
import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.ReliabilityReport;
import dev.dbbackup.testing.SampleDatabase;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected into real processes on real files: each case asserts a non-zero exit with a clear message, no
 * file that looks like a good backup, earlier backups intact, and the target database unchanged.
 */
class SqliteFaultInjectionIT {

    private static final ReliabilityReport REPORT = new ReliabilityReport();

    @TempDir
    static Path shared;

    static Path bigDatabase;

    @TempDir
    Path dir;

    @BeforeAll
    static void createLargeDatabase() throws Exception {
        bigDatabase = shared.resolve("big.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + bigDatabase); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE big(id INTEGER PRIMARY KEY, payload BLOB, note TEXT)");
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 250000) "
                    + "INSERT INTO big SELECT i, randomblob(400), 'row ' || i FROM n");
        }
    }

    @AfterAll
    static void writeReport() throws IOException {
        REPORT.write("sqlite");
    }

    @BeforeEach
    void sampleDatabase() throws Exception {
        SampleDatabase.create(dir.resolve("app.db"));
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "sqlite:///./app.db");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private Path earlierBackup() throws Exception {
        Cli.Result first = Cli.run(dir, env("DBBACKUP_NOW", "2025-11-03T02:00:00Z"), "backup", "--type", "daily");
        assertEquals(0, first.exitCode(), first::toString);
        return dir.resolve("backups/daily/backup_daily_20251103_020000.sql.gz");
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Cli.command(args)).directory(dir.toFile())
                .redirectOutput(dir.resolve("bg.out").toFile()).redirectError(dir.resolve("bg.err").toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private static void awaitFile(Path folder, String prefix, long minBytes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.list(folder)) {
                    if (files.anyMatch(p -> p.getFileName().toString().startsWith(prefix) && size(p) >= minBytes)) {
                        return;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + prefix + "* file of " + minBytes + " bytes appeared in " + folder);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private List<String> backupFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("backups"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("backup_")).sorted().toList();
        }
    }

    private List<String> temporaries(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(LocalBackupStore.TEMP_PREFIX)).toList();
        }
    }

    @Test
    void killMinus9MidBackupLeavesNoBackupAndTheNextRunCleansUp() throws Exception {
        Path earlier = earlierBackup();
        String earlierSum = SqliteBackupCliIT.sha256(earlier);
        Files.copy(bigDatabase, dir.resolve("big.db"));
        Map<String, String> big = env("DATABASE_URL", "sqlite:///./big.db", "DBBACKUP_NOW", "2025-11-04T02:00:00Z");
        Process backup = start(big, "backup", "--type", "daily");
        awaitFile(dir.resolve("backups"), LocalBackupStore.TEMP_PREFIX, 1_000_000);
        backup.destroyForcibly().waitFor();

        assertEquals(List.of("backup_daily_20251103_020000.sql.gz", "backup_daily_20251103_020000.sql.gz.json"), backupFiles(),
                "no backup file or manifest from the killed run");
        assertEquals(earlierSum, SqliteBackupCliIT.sha256(earlier), "the earlier backup is intact");
        assertFalse(temporaries(dir.resolve("backups")).isEmpty(), "the killed run left its temporary file");

        Cli.Result next = Cli.run(dir, big, "backup", "--type", "daily");
        assertEquals(0, next.exitCode(), next::toString);
        assertTrue(next.stderr().contains("removed 1 temporary file"), next.stderr());
        assertEquals(List.of(), temporaries(dir.resolve("backups")));
        assertEquals(0, Cli.run(dir, env(), "verify", "--all").exitCode());
        REPORT.add("sqlite", "kill -9 mid-backup", "SIGKILL of `dbbackup backup` of a 120 MB database after 1 MB was written",
                "no backup file or manifest; earlier backup byte-identical; next run removes the leftover and succeeds");
    }

    @Test
    void diskFullDuringBackupFailsCleanly() throws Exception {
        Path mount = Files.createDirectory(dir.resolve("small-fs"));
        Cli.Result mounted = Cli.tool(dir, "mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mount.toString());
        assertEquals(0, mounted.exitCode(), "this test mounts a 3 MB tmpfs and must run as root (CI does): " + mounted);
        try {
            Map<String, String> small = env("BACKUP_DIR", "./small-fs", "DBBACKUP_NOW", "2025-11-03T02:00:00Z");
            assertEquals(0, Cli.run(dir, small, "backup", "--type", "daily").exitCode());
            Path earlier = mount.resolve("daily/backup_daily_20251103_020000.sql.gz");
            String earlierSum = SqliteBackupCliIT.sha256(earlier);

            Files.copy(bigDatabase, dir.resolve("big.db"));
            Cli.Result full = Cli.run(dir, env("BACKUP_DIR", "./small-fs", "DATABASE_URL", "sqlite:///./big.db",
                    "DBBACKUP_NOW", "2025-11-04T02:00:00Z"), "backup", "--type", "daily");
            assertEquals(1, full.exitCode(), full::toString);
            assertTrue(full.stderr().contains("No space left on device"), full.stderr());
            assertTrue(full.stderr().contains("no backup file was written"), full.stderr());
            try (Stream<Path> files = Files.walk(mount)) {
                assertEquals(List.of("backup_daily_20251103_020000.sql.gz", "backup_daily_20251103_020000.sql.gz.json"),
                        files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("backup_") || n.startsWith(".dbbackup-tmp"))
                                .sorted().toList(), "no partial backup and no temporary file");
            }
            assertEquals(earlierSum, SqliteBackupCliIT.sha256(earlier));
            assertEquals(0, Cli.run(dir, small, "verify", "--all").exitCode(), "earlier backup still verifies");
        } finally {
            Cli.tool(dir, "umount", mount.toString());
        }
        REPORT.add("sqlite", "disk full", "backup of a 120 MB database into a 3 MB tmpfs holding an earlier backup",
                "exit 1 'No space left on device … no backup file was written'; no partial or temporary file; earlier backup verifies");
    }

    @Test
    void killMinus9MidRestoreLeavesTheTargetAsItWas() throws Exception {
        Files.copy(bigDatabase, dir.resolve("big.db"));
        Map<String, String> big = env("DATABASE_URL", "sqlite:///./big.db", "DBBACKUP_NOW", "2025-11-04T02:00:00Z");
        assertEquals(0, Cli.run(dir, big, "backup", "--type", "daily").exitCode());
        String before = SqliteBackupCliIT.sha256(dir.resolve("app.db"));

        Process restore = start(env(), "restore", "latest", "--clean", "--yes", "--from-database", "big.db");
        awaitFile(dir, ".app.db", 5_000_000);
        restore.destroyForcibly().waitFor();

        assertEquals(before, SqliteBackupCliIT.sha256(dir.resolve("app.db")), "the target is byte-identical");
        assertEquals(500, SampleDatabase.count(dir.resolve("app.db"), "messages"));
        REPORT.add("sqlite", "kill -9 mid-restore", "SIGKILL of `dbbackup restore latest --clean --yes` while the new file was 5 MB",
                "target database byte-identical to before");
    }

    @Test
    void aSecondBackupOrAPruneDuringABackupIsRefusedByTheLock() throws Exception {
        Files.copy(bigDatabase, dir.resolve("big.db"));
        Map<String, String> big = env("DATABASE_URL", "sqlite:///./big.db", "DBBACKUP_NOW", "2025-11-04T02:00:00Z");
        Process first = start(big, "backup", "--type", "daily");
        awaitFile(dir.resolve("backups"), LocalBackupStore.TEMP_PREFIX, 100_000);
        Cli.Result second = Cli.run(dir, big, "backup", "--type", "daily");
        Cli.Result prune = Cli.run(dir, big, "prune");
        assertTrue(first.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, first.exitValue(), Files.readString(dir.resolve("bg.err")));

        assertEquals(5, second.exitCode(), second::toString);
        assertTrue(second.stderr().contains("pid " + first.pid()), "names the holder: " + second.stderr());
        assertEquals(5, prune.exitCode(), prune::toString);
        assertEquals(List.of("backup_daily_20251104_020000.sql.gz", "backup_daily_20251104_020000.sql.gz.json"), backupFiles());
        assertEquals(0, Cli.run(dir, env(), "verify", "--all").exitCode());
        REPORT.add("sqlite", "concurrent runs", "a second `backup` and a `prune` started while a backup runs",
                "both exit 5 naming the holder's pid; the first backup completes and verifies");
    }

    @Test
    void runsOnOneDatabaseExcludeEachOtherWhateverTheirFolderAndAKilledHoldersLockIsTakenOver() throws Exception {
        Files.copy(bigDatabase, dir.resolve("big.db"));
        Cli.Result toRestore = Cli.run(dir, env("BACKUP_DIR", "./backups-c", "DBBACKUP_NOW", "2025-11-03T02:00:00Z"), "backup", "--type", "daily");
        assertEquals(0, toRestore.exitCode(), toRestore::toString);
        Process holder = start(env("DATABASE_URL", "sqlite:///./big.db", "BACKUP_DIR", "./backups-a", "DBBACKUP_NOW", "2025-11-04T02:00:00Z"),
                "backup", "--type", "daily");
        awaitFile(dir.resolve("backups-a"), LocalBackupStore.TEMP_PREFIX, 1_000_000);
        Cli.Result stop = Cli.tool(dir, "kill", "-STOP", Long.toString(holder.pid()));
        assertEquals(0, stop.exitCode(), stop::toString);
        String bigBefore = SqliteBackupCliIT.sha256(dir.resolve("big.db"));
        Cli.Result blocked;
        Cli.Result restore;
        Cli.Result other;
        try {
            // The same file by its absolute path, from another folder: the lock follows the database, not the spelling.
            blocked = Cli.run(dir, env("DATABASE_URL", "sqlite:///" + dir.resolve("big.db"), "BACKUP_DIR", "./backups-b"), "backup");
            restore = Cli.run(dir, env("DATABASE_URL", "sqlite:///./big.db", "BACKUP_DIR", "./backups-c"), "restore", "latest", "--clean", "--yes",
                    "--from-database", "app.db");
            other = Cli.run(dir, env("BACKUP_DIR", "./backups-d"), "backup");
            assertEquals(bigBefore, SqliteBackupCliIT.sha256(dir.resolve("big.db")), "the refused restore left the database as it was");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("big.db")); Statement s = c.createStatement()) {
                s.execute("INSERT INTO big(id, note) VALUES (-1, 'written while dbbackup holds its lock')");
            }
            assertTrue(holder.isAlive(), "the holder was running all along");
        } finally {
            holder.destroyForcibly().waitFor();
        }

        assertEquals(5, blocked.exitCode(), blocked::toString);
        List<String> errors = blocked.stderr().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), blocked.stderr());
        assertTrue(errors.get(0).contains("database sqlite:///" + dir.resolve("big.db") + " is in use by another dbbackup run: pid "
                + holder.pid() + " on "), "names the database and the holder: " + errors.get(0));
        assertTrue(errors.get(0).endsWith("(backup)") && errors.get(0).contains(" since 20"), errors.get(0));
        assertTrue(blocked.stderr().contains("hint: wait for that run to finish"), blocked.stderr());
        assertEquals(5, restore.exitCode(), restore::toString);
        assertTrue(restore.stderr().contains("pid " + holder.pid()), restore.stderr());
        assertFalse(Files.exists(dir.resolve("big.db.bak")), "no swap happened");
        assertEquals(0, other.exitCode(), "another database is not blocked: " + other);

        // The killed holder's text is still in the lock file, but no process holds its lock: the next run takes over.
        Cli.Result next = Cli.run(dir, env("DATABASE_URL", "sqlite:///./big.db", "BACKUP_DIR", "./backups-b",
                "DBBACKUP_NOW", "2025-11-04T03:00:00Z"), "backup", "--type", "daily");
        assertEquals(0, next.exitCode(), next::toString);
        assertTrue(next.stderr().contains("took over the lock of database sqlite:///./big.db left by a run that ended without releasing it (pid "
                + holder.pid()), next.stderr());
        assertEquals(0, Cli.run(dir, env("BACKUP_DIR", "./backups-b"), "verify", "--all").exitCode());
        REPORT.add("sqlite", "database lock", "a `backup` (another BACKUP_DIR, the database by its absolute path) and a `restore --clean`"
                        + " while a backup of the same database is paused mid-dump (SIGSTOP); a backup of another database; a write by"
                        + " another program; then SIGKILL of the holder",
                "both exit 5 with one line naming the database and the holder's pid, host and start time; the database is untouched;"
                        + " the other backup and the write succeed; the next backup takes the dead holder's lock over and succeeds");
    }

    @Test
    void backupWhileAnotherProcessWritesRestoresToAConsistentState() throws Exception {
        Path live = dir.resolve("live.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + live); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE ledger(id INTEGER PRIMARY KEY, account TEXT, amount INTEGER, padding BLOB)");
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 100000) "
                    + "INSERT INTO ledger(account, amount, padding) SELECT 'seed', 0, randomblob(300) FROM n");
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong transfers = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + live + "?busy_timeout=10000")) {
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO ledger(account, amount) VALUES (?, ?)")) {
                    while (!stop.get()) {
                        insert.setString(1, "a");
                        insert.setInt(2, -7);
                        insert.executeUpdate();
                        insert.setString(1, "b");
                        insert.setInt(2, 7);
                        insert.executeUpdate();
                        c.commit();
                        transfers.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        try {
            while (transfers.get() < 100) {
                Thread.sleep(10);
            }
            Cli.Result backup = Cli.run(dir, env("DATABASE_URL", "sqlite:///./live.db"), "backup", "--type", "daily");
            assertEquals(0, backup.exitCode(), backup::toString);
        } finally {
            stop.set(true);
            writer.join();
        }
        Cli.Result restore = Cli.run(dir, env(), "restore", "latest", "--database-url", "sqlite:///./snapshot.db", "--yes");
        assertEquals(0, restore.exitCode(), restore::toString);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("snapshot.db")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sum(amount), count(*) FROM ledger WHERE account IN ('a','b')")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "every transfer is complete: the dump saw one snapshot");
            assertEquals(0, rs.getLong(2) % 2);
            assertTrue(rs.getLong(2) > 0);
        }
        REPORT.add("sqlite", "concurrent writer", "another connection commits two-row transfers continuously during the backup (WAL)",
                "backup succeeds; the restored copy holds only whole transfers (sum 0, even count)");
    }

    @Test
    void damagedBackupsAreDetectedAndNeverRestored() throws Exception {
        Path good = earlierBackup();
        byte[] bytes = Files.readAllBytes(good);
        String manifest = Files.readString(Path.of(good + ".json"));
        record Damage(String name, String injected, byte[] content, String manifest, String expected) {
        }
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x5a;
        String otherSum = manifest.replaceFirst("\"sha256\" : \"([0-9a-f]{64})\"(\\s*}\\s*,\\s*\"compression)", "\"sha256\" : \"" + "0".repeat(64) + "\"$2");
        List<Damage> damages = List.of(
                new Damage("corrupted byte", "one byte in the middle XOR 0x5a", flipped, manifest, "checksum mismatch"),
                new Damage("truncated file", "file cut to half its length", java.util.Arrays.copyOf(bytes, bytes.length / 2), manifest, "differs from manifest"),
                new Damage("empty file", "file truncated to 0 bytes", new byte[0], manifest, "differs from manifest"),
                new Damage("not gzip", "plain SQL text under a .sql.gz name, no manifest", "CREATE TABLE t(x);\n".getBytes(), null, "decompression failed"),
                new Damage("manifest mismatch", "stored SHA-256 in the manifest changed", bytes, otherSum, "checksum mismatch"));
        assertTrue(otherSum.contains("0".repeat(64)), "the test changed the stored checksum");
        for (Damage damage : damages) {
            Path file = dir.resolve("backups/daily/backup_daily_20251105_020000.sql.gz");
            Files.write(file, damage.content());
            Path json = Path.of(file + ".json");
            if (damage.manifest() != null) {
                Files.writeString(json, damage.manifest().replace("backup_daily_20251103_020000", "backup_daily_20251105_020000"));
            } else {
                Files.deleteIfExists(json);
            }
            String target = SqliteBackupCliIT.sha256(dir.resolve("app.db"));
            Cli.Result verify = Cli.run(dir, env(), "verify", file.toString());
            assertEquals(3, verify.exitCode(), damage.name() + ": " + verify);
            assertTrue(verify.stdout().contains(damage.expected()), damage.name() + ": " + verify.stdout());
            Cli.Result restore = Cli.run(dir, env(), "restore", file.toString(), "--clean", "--yes");
            assertEquals(3, restore.exitCode(), damage.name() + ": " + restore);
            assertEquals(target, SqliteBackupCliIT.sha256(dir.resolve("app.db")), damage.name() + ": target unchanged");
            assertFalse(Files.exists(dir.resolve("app.db.bak")), "no swap happened");
            // Into a new database the file is checked while it is restored (one read): same verdict, nothing left behind.
            Cli.Result fresh = Cli.run(dir, env(), "restore", file.toString(), "--database-url", "sqlite:///./fresh.db", "--yes");
            assertEquals(3, fresh.exitCode(), damage.name() + " into a new database: " + fresh);
            assertTrue(fresh.stderr().contains(damage.expected()), damage.name() + " into a new database: " + fresh.stderr());
            try (var left = Files.list(dir)) {
                List<String> leftovers = left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("fresh"))
                        .toList();
                assertEquals(List.of(), leftovers, damage.name() + ": no database (or temporary file) created");
            }
            REPORT.add("sqlite", damage.name(), damage.injected(),
                    "verify exits 3 ('" + damage.expected() + "'); restore exits 3, into the old database (unchanged) and into a new"
                            + " one (not created)");
        }
        assertEquals(0, Cli.run(dir, env(), "verify", good.toString()).exitCode(), "the earlier backup is intact");
    }
}
