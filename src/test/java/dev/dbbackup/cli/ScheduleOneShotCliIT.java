package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dbbackup.schedule.ScheduleProcess;
import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SampleDatabase;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What one-shot runs (cron, compose run) leave for monitoring: metrics files, Pushgateway, alerts, the log file. */
class ScheduleOneShotCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private HttpServer receiver;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void receiver() throws Exception {
        SampleDatabase.create(dir.resolve("app.db"));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n"
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    private String receiverUrl(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

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

    @Test
    void backupWritesTheTextfileAndPushesToThePushgateway() throws Exception {
        Cli.Result backup = Cli.run(dir, env("DBBACKUP_NOW", "2025-11-04T02:00:00Z"), "backup", "--metrics-file", "textfile/dbbackup.prom",
                "--pushgateway", receiverUrl("/"));
        assertEquals(0, backup.exitCode(), backup::toString);
        String textfile = Files.readString(dir.resolve("textfile/dbbackup.prom"));
        assertEquals(Instant.parse("2025-11-04T02:00:00Z").getEpochSecond(), metric(textfile, "backup_last_success{database=\"app.db\",}"));
        assertEquals(1, metric(textfile, "backup_last_attempt_success{database=\"app.db\",}"));
        assertEquals(1, metric(textfile, "backup_files{database=\"app.db\",type=\"daily\",}"));
        assertEquals(551, metric(textfile, "backup_last_rows{database=\"app.db\",}"));
        assertFalse(textfile.contains("jvm_"), "the textfile holds only dbbackup's meters");
        assertEquals(1, received.size());
        assertTrue(received.get(0).startsWith("PUT /metrics/job/dbbackup/database/app.db\n"), received.get(0));
        assertTrue(received.get(0).contains("backup_last_success{database=\"app.db\",}"), received.get(0));
    }

    @Test
    void aFailedBackupAlertsTheWebhookAndStillWritesItsMetrics() throws Exception {
        Cli.Result failed = Cli.run(dir, env("DATABASE_URL", "sqlite:///./missing.db", "BACKUP_ALERT_WEBHOOK_URL", receiverUrl("/alert"),
                "BACKUP_METRICS_FILE", "m.prom"), "backup");
        assertEquals(2, failed.exitCode(), failed::toString);
        assertEquals(1, received.size(), failed.toString());
        JsonNode alert = JSON.readTree(received.get(0).split("\n", 2)[1]);
        assertEquals("failure", alert.get("event").asText());
        assertEquals("missing.db", alert.get("database").asText());
        assertTrue(alert.get("message").asText().contains("names a database that does not exist"), received.get(0));
        String metrics = Files.readString(dir.resolve("m.prom"));
        assertEquals(0, metric(metrics, "backup_last_attempt_success{database=\"missing.db\",}"));
        assertEquals(1, metric(metrics, "backup_attempts_total{database=\"missing.db\",outcome=\"failure\",}"));
    }

    @Test
    void aDownReceiverDoesNotFailTheBackup() {
        int closed = ScheduleProcess.freePort();
        Cli.Result backup = Cli.run(dir, env("BACKUP_ALERT_ON", "failure,success", "BACKUP_ALERT_WEBHOOK_URL", "http://127.0.0.1:" + closed + "/x",
                "BACKUP_ALERT_WEBHOOK_RETRIES", "1", "BACKUP_ALERT_SMTP_HOST", "127.0.0.1", "BACKUP_ALERT_SMTP_PORT", String.valueOf(closed),
                "BACKUP_ALERT_SMTP_TLS", "none", "BACKUP_ALERT_EMAIL_TO", "ops@example.com"), "backup");
        assertEquals(0, backup.exitCode(), backup::toString);
        assertTrue(backup.stdout().startsWith("backup written: "), backup.stdout());
        assertTrue(backup.stderr().contains("could not send the success alert for app.db via webhook"), backup.stderr());
        assertTrue(backup.stderr().contains("could not send the success alert for app.db via e-mail to ops@example.com"), backup.stderr());
    }

    @Test
    void successAlertOnRequestAndStaleAlertFromTheHealthCommand() throws Exception {
        Cli.Result backup = Cli.run(dir, env("DBBACKUP_NOW", "2025-11-04T02:00:00Z", "BACKUP_ALERT_ON", "success",
                "BACKUP_ALERT_WEBHOOK_URL", receiverUrl("/alert")), "backup");
        assertEquals(0, backup.exitCode(), backup::toString);
        JsonNode success = JSON.readTree(received.get(0).split("\n", 2)[1]);
        assertEquals("success", success.get("event").asText());
        assertEquals(dir.resolve("backups/daily/backup_daily_20251104_020000.sql.gz").toRealPath().toString(), success.get("file").asText());
        assertEquals("551", success.get("details").get("rows").asText());

        Map<String, String> stale = env("DBBACKUP_NOW", "2025-11-06T02:00:00Z", "BACKUP_ALERT_ON", "stale",
                "BACKUP_ALERT_WEBHOOK_URL", receiverUrl("/alert"));
        assertEquals(8, Cli.run(dir, stale, "health").exitCode());
        assertEquals(1, received.size(), "health alerts only with --alert");
        Cli.Result alerted = Cli.run(dir, stale, "health", "--alert");
        assertEquals(8, alerted.exitCode(), alerted::toString);
        JsonNode staleAlert = JSON.readTree(received.get(1).split("\n", 2)[1]);
        assertEquals("stale", staleAlert.get("event").asText());
        assertEquals("172800", staleAlert.get("details").get("age_s").asText());
    }

    @Test
    void aFailedVerificationAlertsAndCountsInTheMetrics() throws Exception {
        assertEquals(0, Cli.run(dir, env("DBBACKUP_NOW", "2025-11-04T02:00:00Z"), "backup").exitCode());
        Path backup = dir.resolve("backups/daily/backup_daily_20251104_020000.sql.gz");
        byte[] bytes = Files.readAllBytes(backup);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(backup, bytes);
        Cli.Result verify = Cli.run(dir, env("BACKUP_ALERT_WEBHOOK_URL", receiverUrl("/alert")), "verify", "latest", "--metrics-file", "v.prom");
        assertEquals(3, verify.exitCode(), verify::toString);
        JsonNode alert = JSON.readTree(received.get(0).split("\n", 2)[1]);
        assertEquals("failure", alert.get("event").asText());
        assertTrue(alert.get("message").asText().startsWith("verification of "), alert.toString());
        String metrics = Files.readString(dir.resolve("v.prom"));
        assertEquals(0, metric(metrics, "backup_last_verification_success{database=\"app.db\",}"));
        assertEquals(1, metric(metrics, "backup_verifications_total{database=\"app.db\",result=\"failed\",}"));
    }

    @Test
    void theLogFileRotatesBySize() throws Exception {
        Map<String, String> logged = env("BACKUP_LOG_FILE", "logs/backup.log", "BACKUP_LOG_MAX_SIZE", "1K", "BACKUP_LOG_KEEP", "2");
        for (int i = 0; i < 6; i++) {
            assertEquals(0, Cli.run(dir, logged, "backup", "--type", "daily").exitCode());
        }
        assertTrue(Files.exists(dir.resolve("logs/backup.log")));
        assertTrue(Files.exists(dir.resolve("logs/backup.log.1")), "rotated at 1 KiB");
        assertTrue(Files.exists(dir.resolve("logs/backup.log.2")));
        assertFalse(Files.exists(dir.resolve("logs/backup.log.3")), "only BACKUP_LOG_KEEP old files are kept");
        // The newest lines are in the current file or, when that run crossed the limit, in the one rotated last.
        String newest = Files.readString(dir.resolve("logs/backup.log.1")) + Files.readString(dir.resolve("logs/backup.log"));
        assertTrue(newest.substring(newest.lastIndexOf("backup started: ")).contains("backup written: "), newest);
        assertTrue(Files.size(dir.resolve("logs/backup.log")) > 0, "the run after a rotation writes into a new file");
    }
}
