package dev.dbbackup.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.dbbackup.catalog.BackupType;
import dev.dbbackup.config.SettingSources;
import dev.dbbackup.config.Settings;
import dev.dbbackup.config.SettingsResolver;
import dev.dbbackup.operation.BackupOperation;
import dev.dbbackup.operation.DbBackupException;
import dev.dbbackup.operation.ExitCode;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The meters of a run, as Prometheus reads them from a textfile or a Pushgateway. */
class MetricsExportTest {

    @TempDir
    Path dir;

    private PrometheusMeterRegistry registry;
    private BackupMetrics metrics;
    private MetricsExport export;
    private Settings settings;

    @BeforeEach
    void registry() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.gauge("jvm.unrelated", 1.0);
        metrics = new BackupMetrics();
        metrics.registry = registry;
        export = new MetricsExport();
        export.prometheus = registry;
        export.metrics = metrics;
        settings = SettingsResolver.resolve(new SettingSources(Map.of(), Map.of("DATABASE_URL", "sqlite:///./app.db",
                "BACKUP_DIR", dir.resolve("backups").toString(), "BACKUP_NAME", "app"), Map.of()));
    }

    private static BackupOperation.BackupReport report() {
        return new BackupOperation.BackupReport("daily/backup_daily_20251104_020000.sql.gz", "/b/daily/backup_daily_20251104_020000.sql.gz",
                BackupType.DAILY, false, 2_000_000, 190_000, 11, 15_607, Duration.ofMillis(1500), List.of(),
                List.of("daily/old1.sql.gz", "daily/old2.sql.gz"), null, null);
    }

    private static double value(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(series + " not in\n" + text));
    }

    @Test
    void successfulBackupSetsTheSeedsGaugeAndTheRunFacts() {
        metrics.backupSucceeded(settings, Instant.parse("2025-11-04T02:00:00Z"), report());
        String text = export.text();
        assertEquals(Instant.parse("2025-11-04T02:00:00Z").getEpochSecond(), value(text, "backup_last_attempt{database=\"app\",}"));
        assertEquals(1, value(text, "backup_last_attempt_success{database=\"app\",}"));
        assertEquals(1.5, value(text, "backup_last_duration_seconds{database=\"app\",}"));
        assertEquals(190_000, value(text, "backup_last_stored_bytes{database=\"app\",}"));
        assertEquals(2_000_000, value(text, "backup_last_plain_bytes{database=\"app\",}"));
        assertEquals(15_607, value(text, "backup_last_rows{database=\"app\",}"));
        assertEquals(2, value(text, "backup_retention_deleted_total{database=\"app\",}"));
        assertEquals(1, value(text, "backup_attempts_total{database=\"app\",outcome=\"success\",}"));
        assertEquals(0, value(text, "backup_last_success{database=\"app\",}"), "the empty folder holds no good backup");
        assertFalse(text.contains("jvm_unrelated"), "only dbbackup meters are exported");
    }

    @Test
    void failedAndLockedAttemptsAreCountedApart() {
        metrics.backupFailed(settings, Instant.parse("2025-11-04T02:00:00Z"), Duration.ofSeconds(3),
                new DbBackupException(ExitCode.FAILURE, "disk full", null));
        metrics.backupFailed(settings, Instant.parse("2025-11-04T02:05:00Z"), Duration.ZERO,
                new DbBackupException(ExitCode.LOCK_HELD, "in use", null));
        String text = export.text();
        assertEquals(0, value(text, "backup_last_attempt_success{database=\"app\",}"));
        assertEquals(1, value(text, "backup_attempts_total{database=\"app\",outcome=\"failure\",}"));
        assertEquals(1, value(text, "backup_attempts_total{database=\"app\",outcome=\"skipped\",}"));
        assertEquals(Instant.parse("2025-11-04T02:00:00Z").getEpochSecond(), value(text, "backup_last_attempt{database=\"app\",}"),
                "a skipped run is not an attempt");
    }

    @Test
    void textfileIsReplacedWholeWithNoTemporaryLeft() throws Exception {
        metrics.backupSucceeded(settings, Instant.parse("2025-11-04T02:00:00Z"), report());
        Path file = dir.resolve("textfile/dbbackup_app.prom");
        export.export(settings, Optional.of(file), Optional.empty());
        String first = Files.readString(file);
        assertTrue(first.contains("# TYPE backup_last_success gauge"), first);
        export.export(settings, Optional.of(file), Optional.empty());
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of("dbbackup_app.prom"), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void pushgatewayGetsAPutPerDatabaseWithBasicAuth() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n"
                    + exchange.getRequestHeaders().getFirst("Authorization") + "\n"
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            metrics.backupSucceeded(settings, Instant.parse("2025-11-04T02:00:00Z"), report());
            URI gateway = URI.create("http://ops:secret@127.0.0.1:" + server.getAddress().getPort() + "/");
            export.export(settings, Optional.empty(), Optional.of(gateway));
        } finally {
            server.stop(0);
        }
        assertEquals(1, requests.size());
        String request = requests.get(0);
        assertTrue(request.startsWith("PUT /metrics/job/dbbackup/database/app\n"), request);
        assertTrue(request.contains("Basic " + java.util.Base64.getEncoder().encodeToString("ops:secret".getBytes(StandardCharsets.UTF_8))), request);
        assertTrue(request.contains("backup_last_stored_bytes{database=\"app\",} 190000.0"), request);
    }

    @Test
    void thePushgatewayGroupOfADatabaseHoldsOnlyItsSeries() {
        String text = String.join("\n",
                "# HELP backup_last_rows Rows in the last backup",
                "# TYPE backup_last_rows gauge",
                "backup_last_rows{database=\"billing\",} 7.0",
                "backup_last_rows{database=\"app\",} 551.0",
                "# HELP backup_last_tables Tables in the last backup",
                "# TYPE backup_last_tables gauge",
                "backup_last_tables{database=\"billing\",} 2.0",
                "");
        assertEquals(String.join("\n",
                "# HELP backup_last_rows Rows in the last backup",
                "# TYPE backup_last_rows gauge",
                "backup_last_rows{database=\"app\",} 551.0",
                ""), MetricsExport.onlyDatabase(text, "app"));
    }

    @Test
    void anUnreachablePushgatewayDoesNotStopTheTextfile() {
        metrics.backupSucceeded(settings, Instant.parse("2025-11-04T02:00:00Z"), report());
        Path file = dir.resolve("app.prom");
        export.export(settings, Optional.of(file), Optional.of(URI.create("http://127.0.0.1:" + freePort())));
        assertTrue(Files.exists(file));
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
