package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dbbackup.schedule.ScheduleProcess;
import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.SampleDatabase;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code BACKUP_TEST_RESTORE} (never, after-each, daily, weekly): the real scheduler test-restores new backups into a
 * scratch target, and a backup that does not replay is reported in the log, the manifest, the metrics, readiness and
 * an alert.
 */
class ScheduleTestRestoreCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Quartz with seconds: 03:00:00 every day, so only the catch-up backup at start runs during a test. */
    private static final String RARELY = "0 0 3 * * ?";

    @TempDir
    Path dir;

    private static Map<String, String> sqlite(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "sqlite:///./app.db");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void afterEachTestRestoresEveryNewSqliteBackupAndRecordsItInManifestAndMetrics() throws Exception {
        SampleDatabase.create(dir.resolve("app.db"));
        try (ScheduleProcess scheduler = ScheduleProcess.start(dir, sqlite(), "schedule", "--cron", "*/3 * * * * ?",
                "--test-restore", "after-each")) {
            scheduler.awaitLog(l -> l.lines().filter(line -> line.contains("[app.db] test-restore passed")).count() >= 2,
                    "two test-restores", WAIT);
            assertTrue(scheduler.log().contains("test restores after each backup"), scheduler.log());
            assertTrue(scheduler.log().contains("[app.db] test-restore of the new backup (BACKUP_TEST_RESTORE=after-each)"), scheduler.log());
            assertTrue(scheduler.log().contains("test-restore (3 tables, 551 rows)"), scheduler.log());
            String metrics = scheduler.get("/q/metrics").body();
            assertTrue(metric(metrics, "backup_verifications_total{database=\"app.db\",result=\"passed\"}") >= 2, metrics);
            assertEquals(1, metric(metrics, "backup_last_verification_success{database=\"app.db\"}"));
            assertEquals(0, scheduler.terminate(WAIT), scheduler.log());
        }
        // Retention keeps one backup per day (the newest), whose manifest records its own test-restore.
        assertEquals(List.of("passed"), testRestoreStates(dir.resolve("backups")));
    }

    @Test
    void weeklyByDefaultTestRestoresTheFirstBackupOnlyAndNeverTurnsItOff() throws Exception {
        SampleDatabase.create(dir.resolve("app.db"));
        try (ScheduleProcess scheduler = ScheduleProcess.start(dir, sqlite(), "schedule", "--cron", "*/2 * * * * ?")) {
            scheduler.awaitLog(l -> l.lines().filter(line -> line.contains("[app.db] backup done")).count() >= 3, "three backups", WAIT);
            assertTrue(scheduler.log().contains("test restores weekly (after a backup when none passed in the last 7 days)"), scheduler.log());
            assertEquals(1, scheduler.count("[app.db] test-restore of the new backup (BACKUP_TEST_RESTORE=weekly: no test-restore has passed yet)"),
                    scheduler.log());
            assertEquals(1, scheduler.count("[app.db] test-restore passed"), "later backups of the week are not tested:\n" + scheduler.log());
            assertEquals(0, scheduler.terminate(WAIT), scheduler.log());
        }
        assertEquals(List.of(), testRestoreStates(dir.resolve("backups")), "the tested backup was superseded the same day");

        Path other = Files.createDirectories(dir.resolve("never"));
        SampleDatabase.create(other.resolve("app.db"));
        try (ScheduleProcess scheduler = ScheduleProcess.start(other, sqlite("BACKUP_TEST_RESTORE", "never"), "schedule",
                "--cron", "*/2 * * * * ?")) {
            scheduler.awaitLog(l -> l.lines().filter(line -> line.contains("[app.db] backup done")).count() >= 2, "two backups", WAIT);
            assertTrue(scheduler.log().contains("test restores off"), scheduler.log());
            assertEquals(0, scheduler.count("test-restore"), scheduler.log());
            assertEquals(0, scheduler.terminate(WAIT), scheduler.log());
        }
        assertEquals(List.of(), testRestoreStates(other.resolve("backups")));
    }

    @Test
    void aPostgresqlBackupThatDoesNotReplayIsFoundAtOnceAndReportedEverywhere() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        PostgresServer scratch = PostgresServers.dedicated(PostgresServers.newest());
        String good = server.createDatabase("sched_good");
        String bad = server.createDatabase("sched_bad");
        server.execute(good, "CREATE TABLE item (id int PRIMARY KEY, name text)", "INSERT INTO item SELECT g, 'item ' || g FROM generate_series(1, 50) g");
        // The scratch server lacks this role, so the backup of 'bad' cannot be replayed there (as on a server set up without it).
        server.execute("postgres", "DROP ROLE IF EXISTS sched_owner", "CREATE ROLE sched_owner");
        server.execute(bad, "CREATE TABLE ledger (id int PRIMARY KEY, amount numeric)", "INSERT INTO ledger VALUES (1, 10.5), (2, -3)",
                "ALTER TABLE ledger OWNER TO sched_owner");
        List<String> alerts = new CopyOnWriteArrayList<>();
        HttpServer receiver = webhook(alerts);
        Path targets = Files.writeString(dir.resolve("targets.ini"), String.join("\n",
                "BACKUP_TEST_RESTORE=after-each",
                "BACKUP_ALERT_WEBHOOK_URL=http://127.0.0.1:" + receiver.getAddress().getPort() + "/alert",
                "[good]",
                "DATABASE_URL=postgresql://postgres@127.0.0.1:" + server.port() + "/" + good,
                "[bad]",
                "DATABASE_URL=postgresql://postgres@127.0.0.1:" + server.port() + "/" + bad,
                "BACKUP_TEST_RESTORE_SCRATCH_URL=postgresql://postgres@127.0.0.1:" + scratch.port() + "/postgres",
                ""));
        try (ScheduleProcess scheduler = ScheduleProcess.start(dir, Map.of(), "schedule", "--targets", targets.toString(), "--cron", RARELY)) {
            scheduler.awaitLog("[bad] test-restore FAILED", WAIT);
            scheduler.awaitLog("[good] test-restore passed", WAIT);
            assertTrue(scheduler.log().contains("role \"sched_owner\" does not exist"), scheduler.log());
            assertTrue(scheduler.log().contains("test-restore (1 tables, 50 rows)"), scheduler.log());

            String metrics = scheduler.get("/q/metrics").body();
            assertEquals(0, metric(metrics, "backup_last_verification_success{database=\"bad\"}"), metrics);
            assertEquals(1, metric(metrics, "backup_verifications_total{database=\"bad\",result=\"failed\"}"), metrics);
            assertEquals(1, metric(metrics, "backup_last_verification_success{database=\"good\"}"), metrics);

            ScheduleProcess.Response ready = scheduler.get("/q/health/ready");
            assertEquals(503, ready.status(), ready.body());
            JsonNode badCheck = check(ready.body(), "backup bad");
            assertEquals("DOWN", badCheck.get("status").asText(), ready.body());
            assertTrue(badCheck.get("data").get("reason").asText().startsWith("no good backup in "),
                    "a backup that failed its test-restore is not a good backup: " + ready.body());
            assertEquals("UP", check(ready.body(), "backup good").get("status").asText(), ready.body());

            long deadline = System.nanoTime() + WAIT.toNanos();
            while (alerts.isEmpty() && System.nanoTime() < deadline) {
                ScheduleProcess.sleep(100);
            }
            assertEquals(0, scheduler.terminate(WAIT), scheduler.log());
        } finally {
            receiver.stop(0);
            scratch.stop("immediate");
        }
        assertEquals(1, alerts.size(), "one alert, for 'bad' only: " + alerts);
        JsonNode alert = JSON.readTree(alerts.get(0));
        assertEquals("failure", alert.get("event").asText(), alerts.get(0));
        assertEquals("bad", alert.get("database").asText(), alerts.get(0));
        assertTrue(alert.get("message").asText().contains("test-restore failed"), alerts.get(0));

        assertEquals(List.of("failed"), testRestoreStates(dir.resolve("backups/bad")));
        assertEquals(List.of("passed"), testRestoreStates(dir.resolve("backups/good")));
        Cli.Result list = Cli.run(dir, Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + server.port() + "/" + bad,
                "BACKUP_DIR", dir.resolve("backups/bad").toString()), "list");
        assertEquals(0, list.exitCode(), list::toString);
        assertTrue(list.stdout().contains("test-restore failed"), list.stdout());
        server.dropDatabase(good);
        server.dropDatabase(bad);
        server.execute("postgres", "DROP ROLE sched_owner");
    }

    /** The testRestore.state of every backup manifest under {@code root}, oldest first. */
    private static List<String> testRestoreStates(Path root) throws Exception {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> manifests = files.filter(p -> p.getFileName().toString().endsWith(".sql.gz.json")).sorted().toList();
            List<String> states = new java.util.ArrayList<>();
            for (Path manifest : manifests) {
                JsonNode testRestore = JSON.readTree(manifest.toFile()).get("testRestore");
                if (testRestore != null && !testRestore.isNull()) {
                    states.add(testRestore.get("state").asText());
                }
            }
            return states;
        }
    }

    private static double metric(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(series + " is not in\n" + metrics));
    }

    private static JsonNode check(String body, String name) throws Exception {
        for (JsonNode check : JSON.readTree(body).get("checks")) {
            if (check.get("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check '" + name + "' in " + body);
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
