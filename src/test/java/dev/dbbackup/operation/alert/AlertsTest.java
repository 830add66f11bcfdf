package dev.dbbackup.operation.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.SettingSources;
import dev.dbbackup.config.Settings;
import dev.dbbackup.config.SettingsResolver;
import dev.dbbackup.operation.DatabaseUnreachableException;
import dev.dbbackup.operation.DbBackupException;
import dev.dbbackup.operation.ExitCode;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alerts reach real local receivers (an HTTP server, an SMTP server, a shell command) with the expected content. */
class AlertsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final Alerts alerts = new Alerts();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private GreenMail mail;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        if (mail != null) {
            mail.stop();
        }
    }

    private String webhook(int... statuses) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hooks/T000/secret-token", exchange -> {
            bodies.add(exchange.getRequestHeaders().getFirst("Content-Type") + "\n"
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            int call = calls.getAndIncrement();
            exchange.sendResponseHeaders(call < statuses.length ? statuses[call] : 200, -1);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/T000/secret-token";
    }

    private static Settings database() {
        return SettingsResolver.resolve(new SettingSources(Map.of(), Map.of("DATABASE_URL", "postgresql://app:hunter2@db:5432/app",
                "BACKUP_NAME", "app", "DBBACKUP_NOW", "2025-11-04T02:00:07Z"), Map.of()));
    }

    private static AlertSettings settings(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return AlertSettings.resolve(new SettingSources(Map.of(), env, Map.of()));
    }

    private static DbBackupException unreachable() {
        return new DatabaseUnreachableException("cannot reach the database postgresql://app:hunter2@db:5432/app: Connection refused",
                "check DATABASE_URL, the server and the credentials; no backup was written", null);
    }

    @Test
    void failureReachesTheWebhookAsJsonWithoutThePassword() throws Exception {
        String url = webhook();
        alerts.backupFailed(settings("BACKUP_ALERT_WEBHOOK_URL", url), database(), unreachable(), 4);
        assertEquals(1, bodies.size());
        String[] request = bodies.get(0).split("\n", 2);
        assertEquals("application/json; charset=utf-8", request[0]);
        JsonNode event = JSON.readTree(request[1]);
        assertEquals("failure", event.get("event").asText());
        assertEquals("app", event.get("database").asText());
        assertEquals("2025-11-04T02:00:07Z", event.get("time").asText());
        assertTrue(event.get("title").asText().startsWith("dbbackup: backup of app FAILED on "), event.toString());
        assertEquals("cannot reach the database postgresql://app:***@db:5432/app: Connection refused", event.get("message").asText());
        assertEquals("check DATABASE_URL, the server and the credentials; no backup was written", event.get("hint").asText());
        assertEquals("4", event.get("details").get("attempts").asText());
        assertFalse(request[1].contains("hunter2"), request[1]);
    }

    @Test
    void slackAndDiscordGetTheirTextField() throws Exception {
        String url = webhook();
        alerts.backupFailed(settings("BACKUP_ALERT_WEBHOOK_URL", url, "BACKUP_ALERT_WEBHOOK_FORMAT", "slack"), database(), unreachable(), 1);
        alerts.backupFailed(settings("BACKUP_ALERT_WEBHOOK_URL", url, "BACKUP_ALERT_WEBHOOK_FORMAT", "discord"), database(), unreachable(), 1);
        JsonNode slack = JSON.readTree(bodies.get(0).split("\n", 2)[1]);
        JsonNode discord = JSON.readTree(bodies.get(1).split("\n", 2)[1]);
        assertEquals(List.of("text"), fieldNames(slack));
        assertEquals(List.of("content"), fieldNames(discord));
        assertTrue(slack.get("text").asText().startsWith("dbbackup: backup of app FAILED"), slack.toString());
        assertTrue(discord.get("content").asText().contains("hint: check DATABASE_URL"), discord.toString());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void webhookRetriesServerErrorsThenDelivers() throws Exception {
        String url = webhook(503, 500);
        int delivered = alerts.send(settings("BACKUP_ALERT_WEBHOOK_URL", url, "BACKUP_ALERT_WEBHOOK_RETRIES", "2"),
                AlertEvent.backupFailed(database(), unreachable(), 1));
        assertEquals(1, delivered);
        assertEquals(3, bodies.size(), "two failed attempts, then the delivery");
    }

    @Test
    void aClientErrorIsNotRetriedAndADownReceiverDoesNotThrow() throws Exception {
        String url = webhook(404);
        assertEquals(0, alerts.send(settings("BACKUP_ALERT_WEBHOOK_URL", url), AlertEvent.backupFailed(database(), unreachable(), 1)));
        assertEquals(1, bodies.size());
        server.stop(0);
        server = null;
        assertEquals(0, alerts.send(settings("BACKUP_ALERT_WEBHOOK_URL", url, "BACKUP_ALERT_WEBHOOK_RETRIES", "0",
                "BACKUP_ALERT_WEBHOOK_TIMEOUT", "2s"), AlertEvent.backupFailed(database(), unreachable(), 1)));
    }

    @Test
    void onlyTheKindsListedInAlertOnAreSent() throws Exception {
        String url = webhook();
        AlertSettings failureOnly = settings("BACKUP_ALERT_WEBHOOK_URL", url);
        alerts.send(failureOnly, AlertEvent.stale(database(), new dev.dbbackup.operation.HealthOperation.Health("DOWN", "old", null, null,
                100_000L, 93_600, 1)));
        assertEquals(0, bodies.size(), "stale alerts are off by default");
        alerts.backupFailed(failureOnly, database(), new DbBackupException(ExitCode.LOCK_HELD, "in use by another run", null), 1);
        assertEquals(0, bodies.size(), "a run that found the folder locked is not a failure");
        alerts.send(settings("BACKUP_ALERT_WEBHOOK_URL", url, "BACKUP_ALERT_ON", "failure,stale"), AlertEvent.stale(database(),
                new dev.dbbackup.operation.HealthOperation.Health("DOWN", "newest good backup is 27.8 h old", "/b/x.sql.gz", null,
                        100_000L, 93_600, 1)));
        assertEquals(1, bodies.size());
        JsonNode stale = JSON.readTree(bodies.get(0).split("\n", 2)[1]);
        assertEquals("stale", stale.get("event").asText());
        assertEquals("100000", stale.get("details").get("age_s").asText());
        assertEquals("/b/x.sql.gz", stale.get("file").asText());
    }

    @Test
    void commandGetsTheEventInItsEnvironment() throws Exception {
        Path out = dir.resolve("event.txt");
        String command = "printf '%s|%s|%s|%s' \"$DBBACKUP_EVENT\" \"$DBBACKUP_DATABASE\" \"$DBBACKUP_DETAIL_ATTEMPTS\" \"$DBBACKUP_MESSAGE\" > '"
                + out + "'";
        assertEquals(1, alerts.send(settings("BACKUP_ALERT_COMMAND", command), AlertEvent.backupFailed(database(), unreachable(), 2)));
        assertEquals("failure|app|2|cannot reach the database postgresql://app:***@db:5432/app: Connection refused", Files.readString(out));
    }

    @Test
    void aFailingOrHangingCommandIsReportedNotThrown() {
        assertEquals(0, alerts.send(settings("BACKUP_ALERT_COMMAND", "echo no mail server >&2; exit 3"),
                AlertEvent.backupFailed(database(), unreachable(), 1)));
        long start = System.nanoTime();
        assertEquals(0, alerts.send(settings("BACKUP_ALERT_COMMAND", "sleep 30", "BACKUP_ALERT_COMMAND_TIMEOUT", "1s"),
                AlertEvent.backupFailed(database(), unreachable(), 1)));
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "the timeout stops the command");
    }

    @Test
    void emailReachesTheSmtpServerWithLogin() throws Exception {
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort()).withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts", "pw"));
        mail.start();
        mail.getUserManager().setAuthRequired(true);
        AlertSettings smtp = settings("BACKUP_ALERT_SMTP_HOST", "127.0.0.1", "BACKUP_ALERT_SMTP_PORT", String.valueOf(mail.getSmtp().getPort()),
                "BACKUP_ALERT_SMTP_TLS", "none", "BACKUP_ALERT_SMTP_USER", "alerts", "BACKUP_ALERT_SMTP_PASSWORD", "pw",
                "BACKUP_ALERT_EMAIL_FROM", "dbbackup@example.com", "BACKUP_ALERT_EMAIL_TO", "ops@example.com, dba@example.com");
        assertEquals(1, alerts.send(smtp, AlertEvent.backupFailed(database(), unreachable(), 3)));
        assertTrue(mail.waitForIncomingEmail(5000, 2));
        MimeMessage message = mail.getReceivedMessages()[0];
        assertTrue(message.getSubject().startsWith("dbbackup: backup of app FAILED on "), message.getSubject());
        assertEquals("dbbackup@example.com", message.getFrom()[0].toString());
        String body = ((String) message.getContent()).replace("\r\n", "\n");
        assertTrue(body.contains("cannot reach the database postgresql://app:***@db:5432/app"), body);
        assertTrue(body.contains("hint: check DATABASE_URL"), body);
        assertTrue(body.contains("attempts: 3"), body);
        assertFalse(body.contains("hunter2"), body);
    }

    @Test
    void wrongSmtpPasswordOrAnUntrustedTlsServerDeliversNothingAndDoesNotThrow() throws Exception {
        mail = new GreenMail(new com.icegreen.greenmail.util.ServerSetup[] {ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.SMTPS.dynamicPort()})
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts", "pw"));
        mail.start();
        mail.getUserManager().setAuthRequired(true);
        AlertSettings wrongPassword = settings("BACKUP_ALERT_SMTP_HOST", "127.0.0.1", "BACKUP_ALERT_SMTP_PORT",
                String.valueOf(mail.getSmtp().getPort()), "BACKUP_ALERT_SMTP_TLS", "none", "BACKUP_ALERT_SMTP_USER", "alerts",
                "BACKUP_ALERT_SMTP_PASSWORD", "wrong", "BACKUP_ALERT_EMAIL_TO", "ops@example.com");
        assertEquals(0, alerts.send(wrongPassword, AlertEvent.backupFailed(database(), unreachable(), 1)));
        AlertSettings selfSigned = settings("BACKUP_ALERT_SMTP_HOST", "127.0.0.1", "BACKUP_ALERT_SMTP_PORT",
                String.valueOf(mail.getSmtps().getPort()), "BACKUP_ALERT_SMTP_TLS", "tls", "BACKUP_ALERT_SMTP_USER", "alerts",
                "BACKUP_ALERT_SMTP_PASSWORD", "pw", "BACKUP_ALERT_EMAIL_TO", "ops@example.com", "BACKUP_ALERT_SMTP_TIMEOUT", "5s");
        assertEquals(0, alerts.send(selfSigned, AlertEvent.backupFailed(database(), unreachable(), 1)),
                "the server's certificate is checked");
        assertEquals(0, mail.getReceivedMessages().length);
    }

    @Test
    void settingsMistakesNameTheSetting() {
        ConfigException noTo = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> settings("BACKUP_ALERT_SMTP_HOST", "mail.example.com"));
        assertTrue(noTo.getMessage().contains("BACKUP_ALERT_EMAIL_TO"), noTo.getMessage());
        ConfigException kind = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> settings("BACKUP_ALERT_ON", "failure,sometimes"));
        assertTrue(kind.getMessage().contains("'sometimes'"), kind.getMessage());
        ConfigException url = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> settings("BACKUP_ALERT_WEBHOOK_URL", "ftp://x"));
        assertTrue(url.getMessage().contains("http:// or https://"), url.getMessage());
        assertFalse(settings().wants(AlertEvent.Kind.FAILURE), "no channel, no alerts");
    }
}
