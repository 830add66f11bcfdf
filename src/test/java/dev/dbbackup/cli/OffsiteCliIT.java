package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbbackup.storage.BackupStore;
import dev.dbbackup.storage.s3.S3BackupStore;
import dev.dbbackup.storage.s3.S3TestServer;
import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SampleDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offsite copies through the real packaged command line, against a real S3-compatible server (S3Proxy) on
 * 127.0.0.1: copy after backup, offsite only, sync, the offsite retention, restore from the store after losing
 * the server, wrong credentials, killed uploads and a backup far larger than the JVM heap.
 */
class OffsiteCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @TempDir
    static Path serverFolder;

    private static S3TestServer server;

    @TempDir
    Path dir;

    private Path app;
    private String bucket;
    private S3BackupStore remote;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.start(serverFolder.resolve("s3"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void createDatabaseAndBucket() throws Exception {
        app = SampleDatabase.create(dir.resolve("app.db"));
        bucket = "offsite-it-" + BUCKETS.incrementAndGet();
        server.createBucket(bucket);
        remote = new S3BackupStore(server.config(bucket, "app"));
    }

    @AfterEach
    void closeStore() {
        remote.close();
    }

    /** Everything a server needs to reach the offsite store, as an operator would set it. */
    private Map<String, String> offsiteEnv(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("BACKUP_OFFSITE_URL", "s3://" + bucket + "/app");
        env.put("BACKUP_OFFSITE_ENDPOINT", server.endpoint().toString());
        env.put("BACKUP_OFFSITE_REGION", S3TestServer.REGION);
        env.put("BACKUP_OFFSITE_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY);
        env.put("BACKUP_OFFSITE_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY);
        env.put("BACKUP_OFFSITE_PART_SIZE", "5MiB");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = offsiteEnv(pairs);
        env.putIfAbsent("DATABASE_URL", "sqlite:///./app.db");
        return env;
    }

    private Cli.Result dbbackup(Map<String, String> env, String... args) {
        return Cli.run(dir, env, args);
    }

    private List<String> remoteKeys() throws IOException {
        return remote.list("").stream().map(BackupStore.StoredObject::key).toList();
    }

    @Test
    void backupCopiesOffsiteAndALostServerIsRebuiltFromTheOffsiteStore() throws Exception {
        Cli.Result backup = dbbackup(env("DBBACKUP_NOW", "2025-11-04T02:00:00Z"), "backup");
        assertEquals(0, backup.exitCode(), backup::toString);
        String key = "daily/backup_daily_20251104_020000.sql.gz";
        String url = "s3://" + bucket + "/app/" + key;
        assertTrue(backup.stdout().contains("offsite copy: " + url), backup.stdout());
        assertEquals(List.of(key, key + ".json"), remoteKeys());
        Path local = dir.resolve("backups").resolve(key);
        assertEquals(sha256(local), remote.sha256(key), "the offsite copy is byte for byte the local backup");
        assertEquals(Files.readString(Path.of(local + ".json")), new String(remote.readSmall(key + ".json")), "with the same manifest");
        assertFalse(backup.all().contains(S3TestServer.SECRET_KEY), "the secret is never printed");

        // The server is lost: a new, empty machine with only the binary and the offsite settings.
        Path rebuilt = Files.createDirectories(dir.resolve("rebuilt"));
        Map<String, String> bare = offsiteEnv();
        Cli.Result list = Cli.run(rebuilt, bare, "list", "--store", "offsite", "--format", "json");
        assertEquals(0, list.exitCode(), list::toString);
        JsonNode rows = JSON.readTree(list.stdout());
        assertEquals(1, rows.size());
        assertEquals(url, rows.get(0).get("path").asText());
        assertEquals("ok", rows.get(0).get("state").asText());

        Cli.Result restore = Cli.run(rebuilt, bare, "restore", "latest", "--store", "offsite", "--database-url", "sqlite:///./app.db", "--yes");
        assertEquals(0, restore.exitCode(), restore::toString);
        assertTrue(restore.stdout().contains("restored " + url), restore.stdout());
        assertSameContent(app, rebuilt.resolve("app.db"));

        Cli.Result byUrl = Cli.run(rebuilt, bare, "restore", url, "--database-url", "sqlite:///./by-url.db", "--yes");
        assertEquals(0, byUrl.exitCode(), byUrl::toString);
        assertSameContent(app, rebuilt.resolve("by-url.db"));

        Cli.Result verify = Cli.run(rebuilt, bare, "verify", url);
        assertEquals(0, verify.exitCode(), verify::toString);
        assertFalse(Files.exists(rebuilt.resolve("backups/daily")), "reading from the offsite store leaves no local copy");
    }

    @Test
    void offsiteOnlyStreamsStraightToTheStoreAndWritesNoBackupLocally() throws Exception {
        Cli.Result backup = dbbackup(env("DBBACKUP_NOW", "2025-11-05T02:00:00Z"), "backup", "--offsite", "only");
        assertEquals(0, backup.exitCode(), backup::toString);
        String key = "daily/backup_daily_20251105_020000.sql.gz";
        assertTrue(backup.stdout().contains("backup written: s3://" + bucket + "/app/" + key), backup.stdout());
        assertEquals(List.of(key, key + ".json"), remoteKeys());
        assertFalse(Files.exists(dir.resolve("backups/daily")), "nothing was written locally");

        Path downloaded = dir.resolve("downloaded.sql.gz");
        try (InputStream in = remote.open(key)) {
            Files.copy(in, downloaded);
        }
        assertEquals(0, Cli.tool(dir, "gunzip", "-t", downloaded.toString()).exitCode(), "stock gunzip accepts the offsite object");
        JsonNode manifest = JSON.readTree(remote.readSmall(key + ".json"));
        assertEquals(sha256(downloaded), manifest.get("stored").get("sha256").asText());
        assertEquals(500, manifest.get("tables").get("messages").asLong());

        // Health and the metrics look where the backups go: the offsite store, not the empty local folder.
        Map<String, String> only = env("DBBACKUP_NOW", "2025-11-05T03:00:00Z", "BACKUP_OFFSITE_MODE", "only");
        Cli.Result health = dbbackup(only, "health", "--max-age", "2h", "--format", "json");
        assertEquals(0, health.exitCode(), health::toString);
        JsonNode status = JSON.readTree(health.stdout());
        assertEquals("UP", status.get("status").asText(), health.stdout());
        assertEquals("s3://" + bucket + "/app/" + key, status.get("newestGoodBackup").asText());
        Path metrics = dir.resolve("metrics.prom");
        Cli.Result again = dbbackup(env("DBBACKUP_NOW", "2025-11-05T04:00:00Z"), "backup", "--offsite", "only", "--metrics-file", metrics.toString());
        assertEquals(0, again.exitCode(), again::toString);
        String exported = Files.readString(metrics);
        double lastSuccess = exported.lines().filter(line -> line.startsWith("backup_last_success{")).findFirst()
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).orElseThrow();
        assertEquals(java.time.Instant.parse("2025-11-05T04:00:00Z").getEpochSecond(), lastSuccess, 0.5,
                "backup_last_success is the newest offsite backup: " + exported);
        assertFalse(Files.exists(dir.resolve("backups/daily")), "still nothing written locally");
    }

    @Test
    void syncPushesWhatIsMissingChecksItAndIsIdempotent() throws Exception {
        for (String day : List.of("03", "04", "05", "06")) {
            Cli.Result local = dbbackup(env("DBBACKUP_NOW", "2025-11-" + day + "T02:00:00Z", "BACKUP_OFFSITE_MODE", "off"), "backup", "--type", "daily");
            assertEquals(0, local.exitCode(), local::toString);
        }
        assertEquals(List.of(), remoteKeys(), "mode off copies nothing");
        Path corrupt = dir.resolve("backups/daily/backup_daily_20251106_020000.sql.gz");
        byte[] bytes = Files.readAllBytes(corrupt);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(corrupt, bytes);

        Map<String, String> later = env("DBBACKUP_NOW", "2025-11-06T03:00:00Z");
        Cli.Result first = dbbackup(later, "sync");
        assertEquals(1, first.exitCode(), first::toString);
        assertTrue(first.stdout().contains("pushed          daily/backup_daily_20251103_020000.sql.gz"), first.stdout());
        assertTrue(first.stdout().contains("failed          daily/backup_daily_20251106_020000.sql.gz"), first.stdout());
        assertTrue(first.stdout().contains("no longer matches its manifest"), first.stdout());
        assertTrue(first.stderr().contains("1 backup(s) could not be copied offsite"), first.stderr());
        assertFalse(remoteKeys().contains("daily/backup_daily_20251106_020000.sql.gz"), "a corrupt backup is not copied");
        assertEquals(6, remoteKeys().size(), "three backups and their manifests");
        assertEquals(List.of(), remote.unfinishedUploads(), "the refused upload was aborted");

        Files.delete(corrupt);
        Files.delete(Path.of(corrupt + ".json"));
        remote.delete("daily/backup_daily_20251104_020000.sql.gz.json");
        Cli.Result second = dbbackup(later, "sync");
        assertEquals(0, second.exitCode(), second::toString);
        assertTrue(second.stdout().contains("0 pushed, 2 already offsite, 1 manifest(s) added, 0 skipped, 0 failed"), second.stdout());

        Cli.Result third = dbbackup(later, "sync");
        assertEquals(0, third.exitCode(), third::toString);
        assertTrue(third.stdout().contains("0 pushed, 3 already offsite, 0 manifest(s) added"), third.stdout());
        for (String day : List.of("03", "04", "05")) {
            String key = "daily/backup_daily_202511" + day + "_020000.sql.gz";
            assertEquals(sha256(dir.resolve("backups").resolve(key)), remote.sha256(key));
        }
    }

    @Test
    void theOffsiteStoreKeepsItsOwnRetentionCounts() throws Exception {
        Map<String, String> counts = env("DBBACKUP_NOW", "2025-11-09T02:00:00Z", "BACKUP_OFFSITE_MODE", "off",
                "BACKUP_RETENTION_DAYS", "2", "BACKUP_RETENTION_WEEKS", "0", "BACKUP_RETENTION_MONTHS", "0",
                "BACKUP_OFFSITE_RETENTION_DAYS", "5", "BACKUP_OFFSITE_RETENTION_WEEKS", "0", "BACKUP_OFFSITE_RETENTION_MONTHS", "0");
        Map<String, String> keepAll = new HashMap<>(counts);
        keepAll.put("BACKUP_RETENTION_DAYS", "30");
        Cli.Result backup = dbbackup(keepAll, "backup", "--type", "daily");
        assertEquals(0, backup.exitCode(), backup::toString);
        Path newest = dir.resolve("backups/daily/backup_daily_20251109_020000.sql.gz");
        for (int day = 3; day <= 8; day++) {
            Path copy = newest.resolveSibling("backup_daily_2025110" + day + "_020000.sql.gz");
            Files.copy(newest, copy);
            Files.copy(Path.of(newest + ".json"), Path.of(copy + ".json"));
        }

        Cli.Result sync = dbbackup(counts, "sync");
        assertEquals(0, sync.exitCode(), sync::toString);
        assertTrue(sync.stdout().contains("skipped         daily/backup_daily_20251103_020000.sql.gz: the offsite retention would not keep it"),
                sync.stdout());
        assertEquals(List.of("05", "06", "07", "08", "09"), offsiteDays());

        Cli.Result prune = dbbackup(counts, "prune");
        assertEquals(0, prune.exitCode(), prune::toString);
        try (Stream<Path> files = Files.list(dir.resolve("backups/daily"))) {
            assertEquals(List.of("backup_daily_20251108_020000.sql.gz", "backup_daily_20251109_020000.sql.gz"),
                    files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".gz")).sorted().toList(), "two days kept locally");
        }
        assertEquals(List.of("05", "06", "07", "08", "09"), offsiteDays(), "five days kept offsite");

        Cli.Result list = dbbackup(counts, "list", "--store", "offsite");
        assertEquals(0, list.exitCode(), list::toString);
        assertEquals(5, list.stdout().lines().filter(l -> l.contains("backup_daily_")).count(), list.stdout());

        Cli.Result plan = dbbackup(counts, "prune", "--store", "offsite", "--retention-days", "3", "--dry-run");
        assertEquals(0, plan.exitCode(), plan::toString);
        assertTrue(plan.stdout().contains("dry run: would delete  daily/backup_daily_20251105_020000.sql.gz"), plan.stdout());
        assertTrue(plan.stdout().contains("dry run: would delete  daily/backup_daily_20251106_020000.sql.gz"), plan.stdout());
        assertTrue(plan.stdout().contains("dry run: kept 3, would delete 2"), plan.stdout());
        assertEquals(List.of("05", "06", "07", "08", "09"), offsiteDays(), "a dry run deletes nothing");

        Cli.Result pruneOffsite = dbbackup(counts, "prune", "--store", "offsite", "--retention-days", "3");
        assertEquals(0, pruneOffsite.exitCode(), pruneOffsite::toString);
        assertEquals(List.of("07", "08", "09"), offsiteDays());
        assertEquals(6, remoteKeys().size(), "manifests go with their backups");
    }

    @Test
    void wrongCredentialsKeepTheLocalBackupAndSyncCopiesItLater() throws Exception {
        String wrongSecret = "wrong-secret-0123456789";
        Cli.Result backup = dbbackup(env("DBBACKUP_NOW", "2025-11-04T02:00:00Z", "BACKUP_OFFSITE_SECRET_ACCESS_KEY", wrongSecret), "backup");
        assertEquals(1, backup.exitCode(), backup::toString);
        assertTrue(backup.stdout().contains("backup written: "), backup.stdout());
        assertTrue(backup.stderr().contains("error: the backup was written locally but the offsite copy failed"), backup.stderr());
        assertTrue(backup.stderr().contains("SignatureDoesNotMatch"), backup.stderr());
        assertTrue(backup.stderr().contains("BACKUP_OFFSITE_SECRET_ACCESS_KEY"), backup.stderr());
        assertTrue(backup.stderr().contains("run 'dbbackup sync'"), backup.stderr());
        assertFalse(backup.all().contains(wrongSecret), "the secret is never printed");
        Path local = dir.resolve("backups/daily/backup_daily_20251104_020000.sql.gz");
        assertTrue(Files.exists(local) && Files.exists(Path.of(local + ".json")), "the local backup and its manifest are kept");

        Cli.Result only = dbbackup(env("DBBACKUP_NOW", "2025-11-05T02:00:00Z", "BACKUP_OFFSITE_ACCESS_KEY_ID", "nobody"),
                "backup", "--offsite", "only");
        assertEquals(1, only.exitCode(), only::toString);
        assertTrue(only.stderr().contains("cannot use the offsite store s3://" + bucket + "/app/"), only.stderr());
        assertTrue(only.stderr().contains("InvalidAccessKeyId"), only.stderr());

        Cli.Result noBucket = dbbackup(env("DBBACKUP_NOW", "2025-11-05T02:00:00Z", "BACKUP_OFFSITE_URL", "s3://no-such-bucket/app"),
                "backup", "--offsite", "only");
        assertEquals(1, noBucket.exitCode(), noBucket::toString);
        assertTrue(noBucket.stderr().contains("bucket 'no-such-bucket' does not exist"), noBucket.stderr());

        Cli.Result sync = dbbackup(env("DBBACKUP_NOW", "2025-11-05T02:00:00Z"), "sync");
        assertEquals(0, sync.exitCode(), sync::toString);
        assertEquals(List.of("daily/backup_daily_20251104_020000.sql.gz", "daily/backup_daily_20251104_020000.sql.gz.json"), remoteKeys());
    }

    @Test
    void aTamperedOffsiteBackupIsRefusedOnRestore() throws Exception {
        Cli.Result backup = dbbackup(env("DBBACKUP_NOW", "2025-11-04T02:00:00Z"), "backup");
        assertEquals(0, backup.exitCode(), backup::toString);
        String key = "daily/backup_daily_20251104_020000.sql.gz";
        byte[] bytes = Files.readAllBytes(dir.resolve("backups").resolve(key));
        bytes[bytes.length / 3] ^= 0x01;
        remote.delete(key);
        try (BackupStore.PendingObject pending = remote.create(key)) {
            pending.output().write(bytes);
            pending.commit(key);
        }
        Cli.Result restore = dbbackup(env(), "restore", "latest", "--store", "offsite", "--database-url", "sqlite:///./r.db", "--yes");
        assertEquals(3, restore.exitCode(), restore::toString);
        assertTrue(restore.stderr().contains("checksum mismatch"), restore.stderr());
        assertFalse(Files.exists(dir.resolve("r.db")), "nothing was restored");
    }

    @Test
    void aKilledUploadLeavesNoObjectAndTheNextRunRemovesItsParts() throws Exception {
        Path big = randomDatabase(dir.resolve("big.db"), 60 * 16);
        Map<String, String> env = env("DATABASE_URL", "sqlite:///./big.db", "DBBACKUP_NOW", "2025-11-04T02:00:00Z",
                "BACKUP_OFFSITE_STALE_UPLOAD_AGE", "0s");

        Process killed = start(env, "backup", "--offsite", "only");
        awaitUploadedPart();
        killed.destroyForcibly();
        killed.waitFor();
        assertEquals(List.of(), remoteKeys(), "a killed upload is never visible as an object");
        assertEquals(1, remote.unfinishedUploads().size(), "its parts wait on the server");

        Map<String, String> later = new HashMap<>(env);
        later.remove("DBBACKUP_NOW");
        Cli.Result sync = dbbackup(later, "sync");
        assertEquals(0, sync.exitCode(), sync::toString);
        assertEquals(List.of(), remote.unfinishedUploads(), "the next run aborted the leftover upload");

        Process stopped = start(env, "backup", "--offsite", "only");
        awaitUploadedPart();
        stopped.destroy();
        stopped.waitFor();
        assertEquals(List.of(), remoteKeys());
        assertEquals(List.of(), remote.unfinishedUploads(), "a stopped run (SIGTERM) aborts its own upload");
        assertTrue(Files.exists(big));
    }

    @Test
    void aBackupMuchLargerThanTheHeapStreamsWithFlatMemory() throws Exception {
        randomDatabase(dir.resolve("big.db"), 160 * 16);
        Map<String, String> env = env("DATABASE_URL", "sqlite:///./big.db", "DBBACKUP_NOW", "2025-11-04T02:00:00Z",
                "JAVA_TOOL_OPTIONS", "-Xmx48m -XX:+ExitOnOutOfMemoryError");
        Cli.Result backup = Cli.run(dir, env, 600, "backup", "--offsite", "only");
        assertEquals(0, backup.exitCode(), backup::toString);
        long stored = remote.stat("daily/backup_daily_20251104_020000.sql.gz").orElseThrow().size();
        assertTrue(stored > 3L * 48 * 1024 * 1024, "the object (" + stored + " bytes) is far larger than the 48 MiB heap");

        Cli.Result restore = Cli.run(dir, env, 600, "restore", "latest", "--store", "offsite", "--database-url", "sqlite:///./back.db", "--yes");
        assertEquals(0, restore.exitCode(), restore::toString);
        assertEquals(SampleDatabase.count(dir.resolve("big.db"), "chunks"), SampleDatabase.count(dir.resolve("back.db"), "chunks"));
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Cli.command(args)).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(dir.resolve("killed.log").toFile());
        builder.environment().remove("DATABASE_URL");
        builder.environment().remove("BACKUP_DIR");
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /** Waits until a multipart upload has started under the prefix (the dump is larger than one part). */
    private void awaitUploadedPart() throws Exception {
        for (int i = 0; i < 1200; i++) {
            var uploads = remote.unfinishedUploads();
            if (!uploads.isEmpty()) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no upload started; log:\n" + Files.readString(dir.resolve("killed.log")));
    }

    private List<String> offsiteDays() throws IOException {
        return remoteKeys().stream().filter(k -> k.endsWith(".sql.gz")).map(k -> k.substring("daily/backup_daily_202511".length(),
                "daily/backup_daily_202511".length() + 2)).toList();
    }

    /** A database of incompressible blobs of 64 KiB (SQLite limits the length of one statement), {@code chunks} of them. */
    private static Path randomDatabase(Path file, int chunks) throws Exception {
        Random random = new Random(11);
        byte[] chunk = new byte[64 * 1024];
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE chunks (id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO chunks(data) VALUES (?)")) {
                for (int i = 0; i < chunks; i++) {
                    random.nextBytes(chunk);
                    insert.setBytes(1, chunk);
                    insert.executeUpdate();
                }
            }
            c.commit();
        }
        return file;
    }

    /** Every row of every table of two SQLite files, compared value by value. */
    private static void assertSameContent(Path expected, Path actual) throws Exception {
        assertEquals(contents(expected), contents(actual));
    }

    private static Map<String, List<String>> contents(Path file) throws Exception {
        Map<String, List<String>> tables = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            for (String name : names) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + name + "\" ORDER BY rowid")) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            Object value = rs.getObject(i);
                            row.append(value instanceof byte[] b ? Arrays.toString(b) : String.valueOf(value)).append('|');
                        }
                        rows.add(row.toString());
                    }
                }
                tables.put(name, rows);
            }
        }
        return tables;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
