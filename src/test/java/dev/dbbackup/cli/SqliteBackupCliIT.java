package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SampleDatabase;
import dev.dbbackup.storage.local.DirectoryLock;
import dev.dbbackup.testing.SqliteDatabaseComparator;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's workflow for SQLite, through the real packaged command line. */
class SqliteBackupCliIT {

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
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private Cli.Result dbbackup(Map<String, String> env, String... args) {
        return Cli.run(dir, env, args);
    }

    private Path backupAt(String now, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("backup"));
        args.addAll(List.of(extraArgs));
        Cli.Result result = dbbackup(env("DBBACKUP_NOW", now), args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result::toString);
        String line = result.stdout().lines().filter(l -> l.startsWith("backup written: ")).findFirst().orElseThrow();
        return Path.of(line.substring("backup written: ".length()));
    }

    @Test
    void backupWritesGzipFileAndManifestThatGunzipAndSqlite3Restore() throws Exception {
        Path backup = backupAt("2025-11-04T02:00:00Z", "--type", "daily");

        assertEquals(dir.resolve("backups/daily/backup_daily_20251104_020000.sql.gz").toRealPath(), backup.toRealPath());
        assertEquals(0, Cli.tool(dir, "gunzip", "-t", backup.toString()).exitCode(), "gunzip -t must pass");
        JsonNode manifest = JSON.readTree(dir.resolve("backups/daily/backup_daily_20251104_020000.sql.gz.json").toFile());
        assertEquals("sqlite", manifest.get("engine").asText());
        assertEquals("daily", manifest.get("type").asText());
        assertEquals("app.db", manifest.get("database").asText());
        assertEquals(Files.size(backup), manifest.get("stored").get("bytes").asLong());
        assertEquals(sha256(backup), manifest.get("stored").get("sha256").asText());
        assertEquals(500, manifest.get("tables").get("messages").asLong());
        assertEquals(50, manifest.get("tables").get("bots").asLong());

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("backups"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("backups/daily"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
        try (Stream<Path> files = Files.list(dir.resolve("backups/daily"))) {
            assertEquals(List.of("backup_daily_20251104_020000.sql.gz", "backup_daily_20251104_020000.sql.gz.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files are left");
        }

        Cli.Result restoredByStockTools = Cli.tool(dir, "sh", "-c", "gunzip -c '" + backup + "' | sqlite3 -bail stock.db");
        assertEquals(0, restoredByStockTools.exitCode(), restoredByStockTools::toString);
        assertEquals(List.of(), SqliteDatabaseComparator.compare(app, dir.resolve("stock.db")));
    }

    @Test
    void anUnknownReportFormatIsRefusedByEveryCommandThatPrintsOne() {
        backupAt("2025-11-04T02:00:00Z", "--type", "daily");
        for (String command : List.of("list", "verify", "health")) {
            Cli.Result result = dbbackup(env("DBBACKUP_NOW", "2025-11-04T03:00:00Z"), command, "--format", "yaml");
            assertEquals(2, result.exitCode(), command + ": " + result);
            assertTrue(result.stderr().contains("--format 'yaml' is not known"), command + ": " + result.stderr());
            assertTrue(result.stderr().contains("use table or json"), command + ": " + result.stderr());
        }
    }

    @Test
    void autoTypeFollowsTheCalendar() {
        assertTrue(Files.exists(backupAt("2025-11-02T02:00:00Z")), "Sunday");
        assertTrue(Files.exists(dir.resolve("backups/weekly/backup_weekly_20251102_020000.sql.gz")), "Sunday → weekly");
        backupAt("2025-11-01T02:00:00Z");
        assertTrue(Files.exists(dir.resolve("backups/monthly/backup_monthly_20251101_020000.sql.gz")), "1st (a Saturday) → monthly");
        backupAt("2026-02-01T02:00:00Z");
        assertTrue(Files.exists(dir.resolve("backups/monthly/backup_monthly_20260201_020000.sql.gz")), "1st on a Sunday → monthly");
        backupAt("2025-11-03T02:00:00Z");
        assertTrue(Files.exists(dir.resolve("backups/daily/backup_daily_20251103_020000.sql.gz")), "Monday → daily");
    }

    @Test
    void timeZoneSettingNamesFilesAndPicksTheTypeInLocalTime() {
        // 23:30 UTC on Saturday 2025-11-01 is already Sunday in Berlin? No: 00:30 CET on 2025-11-02, a Sunday.
        backupAt("2025-11-01T23:30:00Z", "--type", "auto");
        assertTrue(Files.exists(dir.resolve("backups/monthly/backup_monthly_20251101_233000.sql.gz")), "UTC by default");
        Cli.Result berlin = dbbackup(env("DBBACKUP_NOW", "2025-11-01T23:30:00Z", "BACKUP_TIMEZONE", "Europe/Berlin"), "backup");
        assertEquals(0, berlin.exitCode(), berlin::toString);
        assertTrue(Files.exists(dir.resolve("backups/weekly/backup_weekly_20251102_003000.sql.gz")), berlin.toString());
    }

    @Test
    void dryRunChangesNothing() throws Exception {
        backupAt("2025-10-01T02:00:00Z");
        for (int day = 2; day <= 20; day++) {
            copyBackup(dir.resolve("backups/monthly/backup_monthly_20251001_020000.sql.gz"), "daily", String.format("202510%02d_020000", day));
        }
        Map<String, String> before = tree(dir);
        Cli.Result result = dbbackup(env("DBBACKUP_NOW", "2025-10-22T02:00:00Z"), "backup", "--dry-run");
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.stdout().contains("would write "), result.stdout());
        assertTrue(result.stdout().contains("backup_daily_20251022_020000.sql.gz"), result.stdout());
        assertTrue(result.stdout().contains("would delete daily/backup_daily_20251002_020000.sql.gz"), result.stdout());
        Cli.Result prune = dbbackup(env("DBBACKUP_NOW", "2025-10-22T02:00:00Z"), "prune", "--dry-run");
        assertEquals(0, prune.exitCode(), prune::toString);
        assertEquals(before, tree(dir), "dry runs change no file");
    }

    @Test
    void pruneDeletesExactlyWhatItsDryRunPlanned() throws Exception {
        Path first = backupAt("2025-09-01T02:00:00Z");
        for (int day = 2; day <= 60; day++) {
            java.time.LocalDate date = java.time.LocalDate.of(2025, 9, 1).plusDays(day - 1);
            String type = date.getDayOfMonth() == 1 ? "monthly" : date.getDayOfWeek() == java.time.DayOfWeek.SUNDAY ? "weekly" : "daily";
            copyBackup(first, type, date.format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE) + "_020000");
        }
        Map<String, String> now = env("DBBACKUP_NOW", "2025-10-30T12:00:00Z");
        Cli.Result plan = dbbackup(now, "prune", "--dry-run");
        assertEquals(0, plan.exitCode(), plan::toString);
        List<String> planned = plan.stdout().lines().filter(l -> l.startsWith("dry run: would delete "))
                .map(l -> l.substring("dry run: would delete ".length()).split("  ")[0]).sorted().toList();
        List<String> kept = plan.stdout().lines().filter(l -> l.startsWith("dry run: would keep "))
                .map(l -> l.substring("dry run: would keep    ".length()).split("  ")[0].strip()).sorted().toList();
        assertFalse(planned.isEmpty());
        assertTrue(kept.contains("daily/backup_daily_20251030_020000.sql.gz"), "today is kept");

        Cli.Result prune = dbbackup(now, "prune");
        assertEquals(0, prune.exitCode(), prune::toString);
        for (String key : planned) {
            assertFalse(Files.exists(dir.resolve("backups").resolve(key)), key + " was planned for deletion");
            assertFalse(Files.exists(dir.resolve("backups").resolve(key + ".json")), key + " manifest");
        }
        for (String key : kept) {
            assertTrue(Files.exists(dir.resolve("backups").resolve(key)), key + " was planned to be kept");
        }
        assertEquals(kept.size(), countBackups(), "nothing else was deleted");
    }

    @Test
    void retentionAfterBackupHonoursTheSeedFlags() throws Exception {
        Path first = backupAt("2025-11-03T02:00:00Z", "--type", "daily");
        for (int day = 4; day <= 9; day++) {
            copyBackup(first, "daily", String.format("202511%02d_020000", day));
        }
        Cli.Result result = dbbackup(env("DBBACKUP_NOW", "2025-11-10T02:00:00Z"), "backup", "--type", "daily",
                "--retention-days", "3", "--retention-weeks", "0", "--retention-months", "0");
        assertEquals(0, result.exitCode(), result::toString);
        try (Stream<Path> files = Files.list(dir.resolve("backups/daily"))) {
            assertEquals(List.of("backup_daily_20251108_020000.sql.gz", "backup_daily_20251109_020000.sql.gz",
                            "backup_daily_20251110_020000.sql.gz"),
                    files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".gz")).sorted().toList());
        }
    }

    @Test
    void restoreIntoAnotherFileLeavesTheOriginalUntouched() throws Exception {
        backupAt("2025-11-04T02:00:00Z");
        SampleDatabase.addMessage(app, "written after the backup");
        String appBefore = sha256(app);

        Cli.Result result = dbbackup(env(), "restore", "latest", "--database-url", "sqlite:///./recovery.db", "--yes");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(appBefore, sha256(app), "the original database is untouched");
        assertEquals(501, SampleDatabase.count(app, "messages"));
        assertEquals(500, SampleDatabase.count(dir.resolve("recovery.db"), "messages"));
        assertTrue(result.stdout().contains("restored "), result.stdout());
    }

    @Test
    void restoreRoundTripIsCompleteThroughTheCli() throws Exception {
        Path backup = backupAt("2025-11-04T02:00:00Z");
        Cli.Result result = dbbackup(env(), "restore", backup.toString(), "--database-url", "sqlite:///./copy.db", "--yes");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(List.of(), SqliteDatabaseComparator.compare(app, dir.resolve("copy.db")));
    }

    @Test
    void restoreRefusesANonEmptyTargetWithoutClean() throws Exception {
        backupAt("2025-11-04T02:00:00Z");
        String before = sha256(app);
        Cli.Result result = dbbackup(env(), "restore", "latest", "--yes");
        assertEquals(4, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("already holds"), result.stderr());
        assertTrue(result.stderr().contains("--clean"), "the message says how to proceed");
        assertEquals(before, sha256(app));
    }

    @Test
    void restoreWithCleanReplacesTheDatabaseKeepsBakAndASafetyBackup() throws Exception {
        backupAt("2025-11-04T02:00:00Z");
        Path pristine = dir.resolve("pristine.db");
        Files.copy(app, pristine);
        SampleDatabase.addMessage(app, "mistake");
        String modified = sha256(app);

        Cli.Result result = dbbackup(env(), "restore", "latest", "--clean", "--yes");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(List.of(), SqliteDatabaseComparator.compare(pristine, app));
        assertEquals(modified, sha256(dir.resolve("app.db.bak")), "the previous database stays as app.db.bak");
        try (Stream<Path> safety = Files.list(dir.resolve("backups/pre-restore"))) {
            assertEquals(2, safety.count(), "a safety backup and its manifest");
        }
    }

    @Test
    void restoreWithoutYesAndWithoutATerminalIsRefused() throws Exception {
        backupAt("2025-11-04T02:00:00Z");
        Cli.Result result = dbbackup(env(), "restore", "latest", "--database-url", "sqlite:///./recovery.db");
        assertEquals(6, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("--yes"), result.stderr());
        assertFalse(Files.exists(dir.resolve("recovery.db")));
    }

    @Test
    void restoreDryRunValidatesAndWritesNothing() throws Exception {
        backupAt("2025-11-04T02:00:00Z");
        Map<String, String> before = tree(dir);
        Cli.Result result = dbbackup(env(), "restore", "latest", "--dry-run", "--database-url", "sqlite:///./recovery.db");
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.stdout().contains("passed validation"), result.stdout());
        assertFalse(Files.exists(dir.resolve("recovery.db")));
        before.keySet().removeIf(k -> k.endsWith(".json"));
        Map<String, String> after = tree(dir);
        after.keySet().removeIf(k -> k.endsWith(".json"));
        assertEquals(before, after);
    }

    @Test
    void corruptedBackupIsCaughtByVerifyAndRefusedByRestore() throws Exception {
        Path backup = backupAt("2025-11-04T02:00:00Z");
        assertEquals(0, dbbackup(env(), "verify", backup.toString()).exitCode());
        try (RandomAccessFile file = new RandomAccessFile(backup.toFile(), "rw")) {
            long middle = file.length() / 2;
            file.seek(middle);
            int b = file.read();
            file.seek(middle);
            file.write(b ^ 0x55);
        }
        Cli.Result verify = dbbackup(env(), "verify", backup.toString());
        assertEquals(3, verify.exitCode(), verify::toString);
        assertTrue(verify.stdout().contains("checksum mismatch"), verify.stdout());

        Cli.Result restore = dbbackup(env(), "restore", backup.toString(), "--database-url", "sqlite:///./recovery.db", "--yes");
        assertEquals(3, restore.exitCode(), restore::toString);
        assertFalse(Files.exists(dir.resolve("recovery.db")), "nothing is written");
        assertTrue(Files.exists(app));
    }

    @Test
    void truncatedEmptyAndNonGzipBackupsFailVerificationEvenWithoutManifests() throws Exception {
        Path backup = backupAt("2025-11-04T02:00:00Z");
        byte[] bytes = Files.readAllBytes(backup);
        Path loose = Files.createDirectories(dir.resolve("loose"));
        Path truncated = Files.write(loose.resolve("backup_daily_20251101_020000.sql.gz"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Path empty = Files.write(loose.resolve("backup_daily_20251102_020000.sql.gz"), new byte[0]);
        Path plain = Files.writeString(loose.resolve("backup_daily_20251103_020000.sql.gz"), "CREATE TABLE t(x);\n");
        for (Path bad : List.of(truncated, empty, plain)) {
            Cli.Result verify = dbbackup(env(), "verify", bad.toString());
            assertEquals(3, verify.exitCode(), bad + ": " + verify);
            assertTrue(verify.stdout().startsWith("FAIL"), verify.stdout());
            Cli.Result restore = dbbackup(env(), "restore", bad.toString(), "--database-url", "sqlite:///./recovery.db", "--yes");
            assertEquals(3, restore.exitCode(), bad + ": " + restore);
            assertFalse(Files.exists(dir.resolve("recovery.db")));
        }
        // A truncated copy WITH the original's manifest is caught by the size check.
        Files.write(backup, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        Cli.Result all = dbbackup(env(), "verify", "--all");
        assertEquals(3, all.exitCode(), all::toString);
    }

    @Test
    void listShowsEveryBackupWithItsStateAndRetentionBucket() throws Exception {
        Path first = backupAt("2025-11-03T02:00:00Z");
        backupAt("2025-11-04T02:00:00Z");
        Files.copy(first, dir.resolve("backups/daily/backup_daily_20251102_020000.sql.gz"));
        Cli.Result table = dbbackup(env("DBBACKUP_NOW", "2025-11-04T03:00:00Z"), "list");
        assertEquals(0, table.exitCode(), table::toString);
        assertTrue(table.stdout().lines().anyMatch(l -> l.contains("backup_daily_20251104_020000.sql.gz") && l.contains("daily 2025-11-04")),
                table.stdout());
        assertTrue(table.stdout().lines().anyMatch(l -> l.contains("backup_daily_20251102_020000.sql.gz") && l.contains("no manifest")),
                table.stdout());

        Cli.Result json = dbbackup(env("DBBACKUP_NOW", "2025-11-04T03:00:00Z"), "list", "--format", "json");
        assertEquals(0, json.exitCode(), json::toString);
        JsonNode rows = JSON.readTree(json.stdout());
        assertEquals(3, rows.size());
        assertEquals("daily/backup_daily_20251104_020000.sql.gz", rows.get(0).get("file").asText());
        assertEquals("ok", rows.get(0).get("state").asText());
        assertEquals(550 + 1, rows.get(0).get("rows").asLong(), "50 bots, 500 messages and the sqlite_sequence row");
        assertTrue(rows.get(0).get("keep").asBoolean());
    }

    @Test
    void twoBackupsInTheSameSecondDoNotOverwriteEachOther() throws Exception {
        Path first = backupAt("2025-11-04T02:00:00Z", "--type", "daily");
        Cli.Result second = dbbackup(env("DBBACKUP_NOW", "2025-11-04T02:00:00Z"), "backup", "--type", "daily");
        assertEquals(0, second.exitCode(), second::toString);
        Path again = dir.resolve("backups/daily/backup_daily_20251104_020000_1.sql.gz");
        assertTrue(second.stdout().contains("backup written: " + again.toRealPath()), second.stdout());
        assertTrue(Files.exists(Path.of(again + ".json")));
        // The first file was not overwritten: retention then removed it as the older backup of the same day.
        assertTrue(second.stdout().contains("deleted daily/backup_daily_20251104_020000.sql.gz"), second.stdout());
        assertFalse(Files.exists(first));
        assertEquals(0, dbbackup(env(), "verify", again.toString()).exitCode());
    }

    @Test
    void invalidSettingsFailBeforeAnyWorkNamingTheSetting() throws Exception {
        record Case(Map<String, String> env, String[] args, String expected) {
        }
        Path readOnly = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-x------"));
        List<Case> cases = List.of(
                new Case(env("DATABASE_URL", "mysql://x@y/z"), new String[] {"backup"}, "DATABASE_URL"),
                new Case(env("DATABASE_URL", "sqlite:relative.db"), new String[] {"backup"}, "DATABASE_URL"),
                new Case(env("BACKUP_RETENTION_DAYS", "-1"), new String[] {"backup"}, "BACKUP_RETENTION_DAYS"),
                new Case(env("BACKUP_RETENTION_WEEKS", "four"), new String[] {"backup"}, "BACKUP_RETENTION_WEEKS"),
                new Case(env(), new String[] {"backup", "--retention-months", "-3"}, "BACKUP_RETENTION_MONTHS"),
                new Case(env(), new String[] {"backup", "--type", "hourly"}, "--type"),
                new Case(env(), new String[] {"backup", "--database-url", "sqlite:///./missing.db"}, "DATABASE_URL"),
                new Case(env("BACKUP_DIR", "./ro/sub"), new String[] {"backup"}, "BACKUP_DIR"),
                new Case(env("BACKUP_TIMEZONE", "Mars/Olympus"), new String[] {"backup"}, "BACKUP_TIMEZONE"),
                new Case(env(), new String[] {"backup", "--no-such-flag"}, "--no-such-flag"));
        boolean root = "root".equals(System.getProperty("user.name"));
        for (Case c : cases) {
            if (root && c.expected().equals("BACKUP_DIR")) {
                continue; // root may write anywhere; the read-only folder case is covered below with a file in the way
            }
            Cli.Result result = dbbackup(c.env(), c.args());
            assertEquals(2, result.exitCode(), String.join(" ", c.args()) + " " + c.env() + ": " + result);
            assertTrue(result.stderr().contains(c.expected()), "names " + c.expected() + ": " + result.stderr());
            assertEquals(1, result.stderr().lines().filter(l -> l.startsWith("error: ")).count(), "one error line: " + result.stderr());
        }
        Files.writeString(dir.resolve("not-a-dir"), "x");
        Cli.Result blocked = dbbackup(env("BACKUP_DIR", "./not-a-dir/backups"), "backup");
        assertEquals(2, blocked.exitCode(), blocked::toString);
        assertTrue(blocked.stderr().contains("BACKUP_DIR"), blocked.stderr());
        assertFalse(Files.exists(dir.resolve("backups")), "no backup folder was created by failed runs");
    }

    @Test
    void flagsOverrideEnvironmentWhichOverridesTheConfigFileAndSecretsComeFromFiles() throws Exception {
        Files.writeString(dir.resolve("dbbackup.conf"), "# settings\nBACKUP_DIR=./from-config\nDATABASE_URL_FILE=./url-secret\n");
        Files.writeString(dir.resolve("url-secret"), "sqlite:///./app.db\n");
        Map<String, String> env = new HashMap<>(Map.of("DBBACKUP_CONFIG", "dbbackup.conf", "DBBACKUP_NOW", "2025-11-04T02:00:00Z"));
        assertEquals(0, Cli.run(dir, env, "backup").exitCode());
        assertTrue(Files.exists(dir.resolve("from-config/daily/backup_daily_20251104_020000.sql.gz")), "config file and _FILE secret");

        env.put("BACKUP_DIR", "./from-env");
        assertEquals(0, Cli.run(dir, env, "backup").exitCode());
        assertTrue(Files.exists(dir.resolve("from-env/daily/backup_daily_20251104_020000.sql.gz")), "environment beats config file");

        assertEquals(0, Cli.run(dir, env, "backup", "--backup-dir", "./from-flag").exitCode());
        assertTrue(Files.exists(dir.resolve("from-flag/daily/backup_daily_20251104_020000.sql.gz")), "flag beats environment");

        env.put("DATABASE_URL", "sqlite:///./app.db");
        env.put("DATABASE_URL_FILE", "./url-secret");
        Cli.Result both = Cli.run(dir, env, "list");
        assertEquals(2, both.exitCode(), both::toString);
        assertTrue(both.stderr().contains("DATABASE_URL and DATABASE_URL_FILE are both set"), both.stderr());
    }

    @Test
    void logFileAppendsTheLogLines() throws Exception {
        backupAt("2025-11-04T02:00:00Z", "--log-file", "logs/backup.log");
        backupAt("2025-11-05T02:00:00Z", "--log-file", "logs/backup.log");
        List<String> lines = Files.readAllLines(dir.resolve("logs/backup.log"));
        assertEquals(2, lines.stream().filter(l -> l.contains("backup written:")).count(), String.join("\n", lines));
    }

    @Test
    void oneShotCommandsOpenNoPort() throws Exception {
        // If a one-shot run tried to listen on Quarkus' default ports it would fail to start while they are taken.
        try (ServerSocket http = new ServerSocket(8080, 1, InetAddress.getByName("0.0.0.0"));
             ServerSocket management = new ServerSocket(9000, 1, InetAddress.getByName("0.0.0.0"))) {
            backupAt("2025-11-04T02:00:00Z");
            assertEquals(0, dbbackup(env(), "list").exitCode());
        } catch (java.net.BindException e) {
            throw new AssertionError("ports 8080/9000 are busy on this machine; free them to run this test", e);
        }
    }

    @Test
    void aSecondRunIsRefusedWhileTheFolderIsLockedAndAStaleLockIsTakenOver() throws Exception {
        backupAt("2025-11-04T02:00:00Z");
        Path backups = dir.resolve("backups");
        try (DirectoryLock held = DirectoryLock.acquire(backups, "backup daily")) {
            Cli.Result blocked = dbbackup(env("DBBACKUP_NOW", "2025-11-05T02:00:00Z"), "backup");
            assertEquals(5, blocked.exitCode(), blocked::toString);
            assertTrue(blocked.stderr().contains("pid " + ProcessHandle.current().pid()), "names the holder: " + blocked.stderr());
            assertEquals(5, dbbackup(env(), "prune").exitCode());
            assertFalse(Files.exists(backups.resolve("daily/backup_daily_20251105_020000.sql.gz")));
        }
        // A killed run leaves its text in the lock file but no OS lock: the next run takes over.
        Files.writeString(backups.resolve(DirectoryLock.FILE_NAME), "pid 999999 on gone-host since 2025-11-05T01:00:00Z (backup daily)");
        Cli.Result after = dbbackup(env("DBBACKUP_NOW", "2025-11-05T02:00:00Z"), "backup");
        assertEquals(0, after.exitCode(), after::toString);
        assertTrue(after.stderr().contains("took over the lock"), after.stderr());
    }

    @Test
    void keepLastIsTheSafeDiskFullRecipe() throws Exception {
        Path first = backupAt("2025-11-01T02:00:00Z", "--type", "daily");
        for (int day = 2; day <= 6; day++) {
            copyBackup(first, "daily", String.format("202511%02d_020000", day));
        }
        Files.delete(Path.of(dir.resolve("backups/daily/backup_daily_20251106_020000.sql.gz") + ".json"));
        Cli.Result result = dbbackup(env(), "prune", "--keep-last", "2");
        assertEquals(0, result.exitCode(), result::toString);
        try (Stream<Path> files = Files.list(dir.resolve("backups/daily"))) {
            assertEquals(List.of("backup_daily_20251104_020000.sql.gz", "backup_daily_20251105_020000.sql.gz"),
                    files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".gz")).sorted().toList(),
                    "the two newest VALID backups stay; the newest file had no manifest");
        }
    }

    @Test
    void healthFailsWhenTheNewestGoodBackupIsOlderThanTheLimit() throws Exception {
        Cli.Result none = dbbackup(env("DBBACKUP_NOW", "2025-11-04T02:00:00Z"), "health");
        assertEquals(8, none.exitCode(), none::toString);
        assertTrue(none.stdout().startsWith("DOWN: no good backup"), none.stdout());

        backupAt("2025-11-04T02:00:00Z");
        Cli.Result fresh = dbbackup(env("DBBACKUP_NOW", "2025-11-05T03:59:00Z"), "health");
        assertEquals(0, fresh.exitCode(), fresh::toString);
        Cli.Result stale = dbbackup(env("DBBACKUP_NOW", "2025-11-05T04:01:00Z"), "health", "--format", "json");
        assertEquals(8, stale.exitCode(), stale::toString);
        JsonNode json = JSON.readTree(stale.stdout());
        assertEquals("DOWN", json.get("status").asText());
        assertEquals(26 * 3600 + 60, json.get("ageSeconds").asLong());
        assertEquals(0, dbbackup(env("DBBACKUP_NOW", "2025-11-05T04:01:00Z", "BACKUP_MAX_AGE", "2d"), "health").exitCode());
        assertEquals(8, dbbackup(env("DBBACKUP_NOW", "2025-11-04T03:01:00Z"), "health", "--max-age", "60m").exitCode());
    }

    @Test
    void restoreRefusesABackupThatOtherUsersCouldHaveWrittenUnlessForced() throws Exception {
        Path backup = backupAt("2025-11-04T02:00:00Z");
        Files.setPosixFilePermissions(backup, PosixFilePermissions.fromString("rw-rw-rw-"));
        Cli.Result refused = dbbackup(env(), "restore", backup.toString(), "--database-url", "sqlite:///./recovery.db", "--yes");
        assertEquals(3, refused.exitCode(), refused::toString);
        assertTrue(refused.stderr().contains("writable by every user"), refused.stderr());
        assertFalse(Files.exists(dir.resolve("recovery.db")));
        Cli.Result forced = dbbackup(env(), "restore", backup.toString(), "--database-url", "sqlite:///./recovery.db", "--yes", "--force");
        assertEquals(0, forced.exitCode(), forced::toString);
    }

    @Test
    void testRestoreProvesABackupAndRecordsTheResult() throws Exception {
        Path backup = backupAt("2025-11-04T02:00:00Z");
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Map<String, String> env = env("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp);
        Cli.Result passed = dbbackup(env, "verify", "--restore", "latest");
        assertEquals(0, passed.exitCode(), passed::toString);
        assertTrue(passed.stdout().contains("test-restore (3 tables, 551 rows)"), passed.stdout());
        JsonNode manifest = JSON.readTree(Path.of(backup + ".json").toFile());
        assertEquals("passed", manifest.get("testRestore").get("state").asText());
        assertTrue(manifest.get("testRestore").has("durationSeconds"));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("dbbackup-test-restore-")).toList(),
                    "the scratch target is dropped");
        }
        assertTrue(dbbackup(env(), "list").stdout().contains("test-restored"));

        // A manifest that promises other row counts than the dump holds fails the test-restore.
        Files.writeString(Path.of(backup + ".json"), Files.readString(Path.of(backup + ".json")).replace("\"messages\" : 500", "\"messages\" : 499"));
        Cli.Result failed = dbbackup(env, "verify", "--restore", backup.toString());
        assertEquals(3, failed.exitCode(), failed::toString);
        assertTrue(failed.stdout().contains("messages: manifest 499, restored 500"), failed.stdout());
        assertTrue(dbbackup(env(), "list").stdout().contains("test-restore failed"));
        Cli.Result latest = dbbackup(env(), "restore", "latest", "--database-url", "sqlite:///./recovery.db", "--yes");
        assertEquals(7, latest.exitCode(), "a backup that failed its test-restore is never 'latest': " + latest);
        Cli.Result named = dbbackup(env(), "restore", backup.toString(), "--database-url", "sqlite:///./recovery.db", "--yes");
        assertEquals(6, named.exitCode(), "needs explicit confirmation even with --yes: " + named);
        assertFalse(Files.exists(dir.resolve("recovery.db")));
    }

    @Test
    void helpShowsExamplesAndExitCodes() {
        Cli.Result top = dbbackup(env(), "--help");
        assertEquals(0, top.exitCode());
        assertTrue(top.stdout().contains("Exit codes:") && top.stdout().contains("4  the restore target already holds tables"), top.stdout());
        for (String command : List.of("backup", "restore", "list", "verify", "prune", "health")) {
            Cli.Result help = dbbackup(env(), command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertTrue(help.stdout().contains("Examples:"), command + " --help has examples");
        }
        Cli.Result version = dbbackup(env(), "--version");
        assertTrue(version.stdout().startsWith("dbbackup "), version.stdout());
    }

    private void copyBackup(Path source, String type, String stamp) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("backups").resolve(type));
        Path target = folder.resolve("backup_" + type + "_" + stamp + ".sql.gz");
        Files.copy(source, target);
        Files.copy(Path.of(source + ".json"), Path.of(target + ".json"));
    }

    private long countBackups() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("backups"))) {
            return files.filter(p -> p.toString().endsWith(".sql.gz")).count();
        }
    }

    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> result = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path path : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(path)) {
                    result.put(root.relativize(path).toString(), sha256(path) + "@" + Files.getLastModifiedTime(path).toMillis());
                }
            }
        }
        return result;
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
