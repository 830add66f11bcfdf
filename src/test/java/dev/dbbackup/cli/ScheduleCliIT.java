package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dbbackup.schedule.ScheduleProcess;
import dev.dbbackup.storage.local.DirectoryLock;
import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SampleDatabase;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dbbackup schedule} as the real packaged process: cron triggers, retention, health, metrics, catch-up, targets, retries. */
class ScheduleCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "sqlite:///./app.db");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static double metric(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(series + " is not in\n" + metrics));
    }

    private List<Path> backupFiles(Path root) throws Exception {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().matches(".*\\.sql\\.gz")).sorted().toList();
        }
    }

    @Test
    void scheduledBackupsRunRetentionAndTurnHealthAndMetricsUp() throws Exception {
        SampleDatabase.create(dir.resolve("app.db"));
        Path backups = Files.createDirectories(dir.resolve("backups"));
        DirectoryLock cronRun = DirectoryLock.acquire(backups, "backup daily (cron)");
        try (ScheduleProcess scheduler = ScheduleProcess.start(dir, env("BACKUP_RETENTION_DAYS", "1", "BACKUP_RETENTION_WEEKS", "0",
                "BACKUP_RETENTION_MONTHS", "0"), "schedule", "--cron", "*/2 * * * * ?")) {
            scheduler.awaitLog("backup skipped", WAIT);
            assertTrue(scheduler.log().contains("is in use by another dbbackup run") && scheduler.log().contains("backup daily (cron)"),
                    "the skip names the run that holds the folder:\n" + scheduler.log());

            ScheduleProcess.Response down = scheduler.get("/q/health/ready");
            assertEquals(503, down.status(), down.body());
            JsonNode check = check(down.body(), "backup app.db");
            assertEquals("DOWN", check.get("status").asText());
            assertTrue(check.get("data").get("reason").asText().startsWith("no good backup in "), down.body());
            String before = scheduler.get("/q/metrics").body();
            assertEquals(0, metric(before, "backup_last_success{database=\"app.db\"}"));
            assertTrue(metric(before, "backup_attempts_total{database=\"app.db\",outcome=\"skipped\"}") >= 1, before);
            assertEquals(200, scheduler.get("/q/health/live").status(), "the scheduler itself is alive");

            cronRun.close();
            scheduler.awaitLog(l -> l.lines().filter(line -> line.contains("[app.db] backup done")).count() >= 2, "two backups", WAIT);
            scheduler.awaitLog("retention deleted 1", WAIT);

            ScheduleProcess.Response up = scheduler.get("/q/health/ready");
            assertEquals(200, up.status(), up.body());
            JsonNode fresh = check(up.body(), "backup app.db");
            assertEquals("UP", fresh.get("status").asText());
            Path newest = Path.of(fresh.get("data").get("file").asText());
            assertTrue(Files.exists(newest), up.body());
            assertTrue(fresh.get("data").get("age_seconds").asLong() < 60, up.body());

            String after = scheduler.get("/q/metrics").body();
            long created = Instant.parse(fresh.get("data").get("created").asText()).getEpochSecond();
            assertTrue(metric(after, "backup_last_success{database=\"app.db\"}") >= created, after);
            assertTrue(metric(after, "backup_attempts_total{database=\"app.db\",outcome=\"success\"}") >= 2, after);
            assertTrue(metric(after, "backup_retention_deleted_total{database=\"app.db\"}") >= 1, after);
            assertEquals(1, metric(after, "backup_last_attempt_success{database=\"app.db\"}"));
            assertEquals(551, metric(after, "backup_last_rows{database=\"app.db\"}"), "50 bots, 500 messages and the sqlite_sequence row");
            assertTrue(metric(after, "backup_last_stored_bytes{database=\"app.db\"}") > 0, after);
            double onDisk = Stream.of("daily", "weekly", "monthly")
                    .mapToDouble(type -> metric(after, "backup_files{database=\"app.db\",type=\"" + type + "\"}")).sum();
            assertTrue(onDisk <= 2, "retention keeps one backup (two while the next is written): " + after);
            assertTrue(after.contains("jvm_"), "the scheduler also serves the JVM's meters");

            assertEquals(0, scheduler.terminate(WAIT), scheduler.log());
            assertTrue(scheduler.log().contains("stopping (SIGTERM)") && scheduler.log().contains("scheduler stopped"), scheduler.log());
        }
        assertEquals(1, backupFiles(backups).size(), "retention ran after each backup: " + backupFiles(backups));
        List<String> history = Files.readAllLines(backups.resolve("size_history.csv"));
        assertEquals("timestamp,database,type,bytes,duration_s", history.get(0));
        assertTrue(history.size() >= 3, history.toString());
        assertTrue(history.get(1).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ,app\\.db,(daily|weekly|monthly),\\d+,\\d+\\.\\d"), history.get(1));

        Cli.Result stats = Cli.run(dir, env(), "list", "--stats");
        assertEquals(0, stats.exitCode(), stats::toString);
        assertTrue(stats.stdout().lines().anyMatch(l -> l.startsWith("app.db ")), stats.stdout());
    }

    private static JsonNode check(String body, String name) throws Exception {
        for (JsonNode check : JSON.readTree(body).get("checks")) {
            if (check.get("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check '" + name + "' in " + body);
    }

    @Test
    void readinessAndTheHealthCommandTurnDownPastTheMaxAgeOnAFixedClock() throws Exception {
        SampleDatabase.create(dir.resolve("app.db"));
        Cli.Result backup = Cli.run(dir, env("DBBACKUP_NOW", "2025-11-04T02:00:00Z"), "backup");
        assertEquals(0, backup.exitCode(), backup::toString);
        String file = dir.resolve("backups/daily/backup_daily_20251104_020000.sql.gz").toRealPath().toString();

        try (ScheduleProcess stale = ScheduleProcess.start(dir, env("DBBACKUP_NOW", "2025-11-05T05:00:00Z"), "schedule", "--no-catch-up")) {
            stale.awaitLog("backups at '0 2 * * *' (UTC)", WAIT);
            ScheduleProcess.Response ready = stale.get("/q/health/ready");
            assertEquals(503, ready.status(), ready.body());
            JsonNode data = check(ready.body(), "backup app.db").get("data");
            assertEquals(27 * 3600, data.get("age_seconds").asLong());
            assertEquals("27.0 h", data.get("age").asText());
            assertEquals(26 * 3600, data.get("max_age_seconds").asLong());
            assertEquals(file, data.get("file").asText());
            assertTrue(data.get("reason").asText().contains("over the limit of 26.0 h"), ready.body());
            String metrics = stale.get("/q/metrics").body();
            assertEquals(Instant.parse("2025-11-04T02:00:00Z").getEpochSecond(), metric(metrics, "backup_last_success{database=\"app.db\"}"));
            assertEquals(0, stale.terminate(WAIT), stale.log());
            assertFalse(stale.log().contains("backup started"), "no catch-up was asked for");
        }
        Cli.Result staleCommand = Cli.run(dir, env("DBBACKUP_NOW", "2025-11-05T05:00:00Z"), "health", "--format", "json");
        assertEquals(8, staleCommand.exitCode(), staleCommand::toString);
        assertEquals(27 * 3600, JSON.readTree(staleCommand.stdout()).get("ageSeconds").asLong());

        try (ScheduleProcess fresh = ScheduleProcess.start(dir, env("DBBACKUP_NOW", "2025-11-05T03:00:00Z", "BACKUP_MAX_AGE", "26h"),
                "schedule", "--no-catch-up")) {
            fresh.awaitLog("backups at '0 2 * * *' (UTC)", WAIT);
            ScheduleProcess.Response ready = fresh.get("/q/health/ready");
            assertEquals(200, ready.status(), ready.body());
            assertEquals(25 * 3600, check(ready.body(), "backup app.db").get("data").get("age_seconds").asLong());
            assertEquals(0, fresh.terminate(WAIT), fresh.log());
        }
        Cli.Result freshCommand = Cli.run(dir, env("DBBACKUP_NOW", "2025-11-05T03:00:00Z"), "health");
        assertEquals(0, freshCommand.exitCode(), freshCommand::toString);
    }

    @Test
    void aMissedRunIsCaughtUpAtStartButARecentBackupIsLeftAlone() throws Exception {
        SampleDatabase.create(dir.resolve("app.db"));
        assertEquals(0, Cli.run(dir, env("DBBACKUP_NOW", "2025-11-04T02:00:00Z"), "backup").exitCode());

        try (ScheduleProcess recent = ScheduleProcess.start(dir, env("DBBACKUP_NOW", "2025-11-04T20:00:00Z"), "schedule")) {
            recent.awaitLog("backups at '0 2 * * *' (UTC)", WAIT);
            assertEquals(200, recent.awaitHttp("/q/health/ready", WAIT).status());
            assertEquals(0, recent.terminate(WAIT), recent.log());
            assertFalse(recent.log().contains("catch-up"), recent.log());
        }
        assertEquals(1, backupFiles(dir.resolve("backups")).size());

        try (ScheduleProcess missed = ScheduleProcess.start(dir, env("DBBACKUP_NOW", "2025-11-05T08:00:00Z"), "schedule")) {
            missed.awaitLog("[app.db] backup done", WAIT);
            assertTrue(missed.log().contains("catch-up: the newest good backup is 30.0 h old, more than the schedule's interval of 24.0 h"),
                    missed.log());
            assertEquals(0, missed.terminate(WAIT), missed.log());
        }
        assertTrue(Files.exists(dir.resolve("backups/daily/backup_daily_20251105_080000.sql.gz")), backupFiles(dir.resolve("backups")).toString());
    }

    @Test
    void scheduledTestRestoresRestoreTheNewestBackupIntoAScratchTargetAndCount() throws Exception {
        SampleDatabase.create(dir.resolve("app.db"));
        assertEquals(0, Cli.run(dir, env(), "backup").exitCode());
        try (ScheduleProcess scheduler = ScheduleProcess.start(dir, env(), "schedule", "--no-catch-up",
                "--test-restore-cron", "*/2 * * * * ?")) {
            scheduler.awaitLog("[app.db] test-restore passed", WAIT);
            assertTrue(scheduler.log().contains("test-restore (3 tables, 551 rows)"), scheduler.log());
            String metrics = scheduler.get("/q/metrics").body();
            assertTrue(metric(metrics, "backup_verifications_total{database=\"app.db\",result=\"passed\"}") >= 1, metrics);
            assertEquals(1, metric(metrics, "backup_last_verification_success{database=\"app.db\"}"));
            assertTrue(metric(metrics, "backup_last_test_restore_duration_seconds{database=\"app.db\"}") > 0, metrics);
            assertEquals(0, scheduler.terminate(WAIT), scheduler.log());
        }
        JsonNode manifest = JSON.readTree(backupFiles(dir.resolve("backups")).get(0).resolveSibling(
                backupFiles(dir.resolve("backups")).get(0).getFileName() + ".json").toFile());
        assertEquals("passed", manifest.get("testRestore").get("state").asText(), manifest.toString());
    }

    @Test
    void oneProcessBacksUpEveryTargetOfTheTargetsFileIntoItsOwnFolder() throws Exception {
        SampleDatabase.create(dir.resolve("app.db"));
        SampleDatabase.create(dir.resolve("billing.db"));
        SampleDatabase.addMessage(dir.resolve("billing.db"), "one more");
        Files.writeString(dir.resolve("targets.ini"), String.join("\n",
                "BACKUP_SCHEDULE=*/2 * * * * ?",
                "[app]",
                "DATABASE_URL=sqlite:///./app.db",
                "[billing]",
                "DATABASE_URL=sqlite:///./billing.db",
                "BACKUP_DIR=./billing-backups",
                ""));
        try (ScheduleProcess scheduler = ScheduleProcess.start(dir, Map.of("BACKUP_DIR", "./backups"), "schedule", "--targets", "targets.ini")) {
            scheduler.awaitLog("[app] backup done", WAIT);
            scheduler.awaitLog("[billing] backup done", WAIT);
            ScheduleProcess.Response ready = scheduler.get("/q/health/ready");
            assertEquals(200, ready.status(), ready.body());
            assertEquals("UP", check(ready.body(), "backup app").get("status").asText());
            assertEquals("UP", check(ready.body(), "backup billing").get("status").asText());
            String metrics = scheduler.get("/q/metrics").body();
            assertEquals(551, metric(metrics, "backup_last_rows{database=\"app\"}"));
            assertEquals(552, metric(metrics, "backup_last_rows{database=\"billing\"}"), "one message more");
            assertEquals(0, scheduler.terminate(WAIT), scheduler.log());
        }
        assertFalse(backupFiles(dir.resolve("backups/app")).isEmpty(), "a target without BACKUP_DIR gets BACKUP_DIR/<name>");
        assertFalse(backupFiles(dir.resolve("billing-backups")).isEmpty());
        assertTrue(backupFiles(dir.resolve("backups/billing")).isEmpty());

        Cli.Result health = Cli.run(dir, Map.of("BACKUP_DIR", "./backups"), "health", "--targets", "targets.ini");
        assertEquals(0, health.exitCode(), health::toString);
        assertTrue(health.stdout().startsWith("app: UP: ") && health.stdout().contains("\nbilling: UP: "), health.stdout());
        Cli.Result later = Cli.run(dir, Map.of("BACKUP_DIR", "./backups", "BACKUP_TARGETS_FILE", "targets.ini",
                "DBBACKUP_NOW", Instant.now().plus(Duration.ofDays(2)).toString()), "health", "--format", "json");
        assertEquals(8, later.exitCode(), later::toString);
        JsonNode both = JSON.readTree(later.stdout());
        assertEquals("billing", both.get(1).get("database").asText());
        assertEquals("DOWN", both.get(1).get("health").get("status").asText());
    }

    @Test
    void anUnreachableDatabaseIsRetriedWithBackoffThenAlerted() throws Exception {
        Files.createDirectories(dir.resolve("app.db"));
        List<String> alerts = new CopyOnWriteArrayList<>();
        HttpServer receiver = webhook(alerts);
        try (ScheduleProcess scheduler = ScheduleProcess.start(dir, env("BACKUP_RETRIES", "2", "BACKUP_RETRY_DELAY", "1s",
                "BACKUP_ALERT_WEBHOOK_URL", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/alert"), "schedule")) {
            scheduler.awaitLog("backup failed after 3 attempts", WAIT);
            assertTrue(scheduler.log().contains("retrying in 1 s (2 of 2 retries left)"), scheduler.log());
            assertTrue(scheduler.log().contains("retrying in 2 s (1 of 2 retries left)"), scheduler.log());
            scheduler.awaitLog("failure alert for app.db sent via webhook", WAIT);
            assertEquals(0, scheduler.terminate(WAIT), scheduler.log());
        } finally {
            receiver.stop(0);
        }
        assertEquals(1, alerts.size(), alerts.toString());
        JsonNode alert = JSON.readTree(alerts.get(0));
        assertEquals("failure", alert.get("event").asText());
        assertEquals("3", alert.get("details").get("attempts").asText());
        assertTrue(alert.get("message").asText().startsWith("cannot reach the database sqlite:///./app.db"), alerts.get(0));
    }

    @Test
    void aPostgresqlServerThatRefusesConnectionsIsRetriedAndItsPasswordNeverShown() throws Exception {
        int closed = ScheduleProcess.freePort();
        try (ScheduleProcess scheduler = ScheduleProcess.start(dir, Map.of("DATABASE_URL", "postgresql://app:hunter2@127.0.0.1:" + closed + "/app",
                "BACKUP_RETRIES", "1", "BACKUP_RETRY_DELAY", "1s"), "schedule")) {
            scheduler.awaitLog("[app] backup failed after 2 attempts", WAIT);
            assertTrue(scheduler.log().contains("retrying in 1 s (1 of 1 retries left)"), scheduler.log());
            assertEquals(0, scheduler.terminate(WAIT), scheduler.log());
            assertFalse(scheduler.log().contains("hunter2"), scheduler.log());
        }
    }

    @Test
    void aDatabaseThatComesBackDuringTheRetriesIsBackedUpWithoutAlert() throws Exception {
        Files.createDirectories(dir.resolve("app.db"));
        List<String> alerts = new CopyOnWriteArrayList<>();
        HttpServer receiver = webhook(alerts);
        try (ScheduleProcess scheduler = ScheduleProcess.start(dir, env("BACKUP_RETRIES", "3", "BACKUP_RETRY_DELAY", "3s",
                "BACKUP_ALERT_WEBHOOK_URL", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/alert"), "schedule")) {
            scheduler.awaitLog("retrying in 3 s", WAIT);
            Files.delete(dir.resolve("app.db"));
            SampleDatabase.create(dir.resolve("app.db"));
            scheduler.awaitLog("[app.db] backup done", WAIT);
            assertEquals(0, scheduler.terminate(WAIT), scheduler.log());
        } finally {
            receiver.stop(0);
        }
        assertEquals(List.of(), alerts, "a recovered backup raises no failure alert");
        assertEquals(1, backupFiles(dir.resolve("backups")).size());
    }

    private static HttpServer webhook(List<String> bodies) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/alert", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        return server;
    }
}
