package dev.dbbackup.metrics;

import dev.dbbackup.config.Settings;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import dev.dbbackup.storage.local.PrivateFiles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Hands the dbbackup meters of a one-shot run to Prometheus: a textfile-collector file (written to a temporary
 * name and renamed, so the collector never reads half a file) and/or a Pushgateway. A failure here is logged as
 * a warning and never changes the outcome of the run.
 */
@ApplicationScoped
public class MetricsExport {

    private static final Logger LOG = Logger.getLogger(MetricsExport.class);
    private static final Duration PUSH_TIMEOUT = Duration.ofSeconds(10);

    @Inject
    PrometheusMeterRegistry prometheus;

    @Inject
    BackupMetrics metrics;

    /** The dbbackup meters in Prometheus text format 0.0.4 (no JVM or process meters). */
    public String text() {
        return onlyDbBackup(prometheus.scrape());
    }

    /** Brings the folder-derived gauges up to date, then writes and/or pushes the meters of {@code settings}' database. */
    public void export(Settings settings, Optional<Path> textfile, Optional<URI> pushgateway) {
        if (textfile.isEmpty() && pushgateway.isEmpty()) {
            return;
        }
        metrics.refresh(settings);
        String text = text();
        textfile.ifPresent(file -> writeTextfile(file, text));
        pushgateway.ifPresent(url -> push(url, settings.name(), onlyDatabase(text, settings.name())));
    }

    static void writeTextfile(Path file, String text) {
        Path target = file.toAbsolutePath();
        try {
            PrivateFiles.createDirectories(target.getParent());
            PrivateFiles.replace(target, text.getBytes(StandardCharsets.UTF_8));
            LOG.debugf("metrics written to %s", target);
        } catch (IOException e) {
            LOG.warnf("could not write the metrics file %s: %s (the run itself is unaffected)", target, e.getMessage());
        }
    }

    /** PUT replaces this database's group on the Pushgateway: job "dbbackup", grouping label database. */
    static void push(URI base, String database, String text) {
        String root = base.toString().replaceAll("/+$", "");
        String userInfo = base.getRawUserInfo();
        if (userInfo != null) {
            root = root.replace(userInfo + "@", "");
        }
        URI url = URI.create(root + "/metrics/job/dbbackup/database/" + URLEncoder.encode(database, StandardCharsets.UTF_8));
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(PUSH_TIMEOUT)
                .header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .PUT(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
        if (userInfo != null) {
            String credentials = java.net.URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
            builder.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        HttpRequest request = builder.build();
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(PUSH_TIMEOUT).build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                LOG.warnf("the Pushgateway %s answered HTTP %d: %s", url, response.statusCode(), abbreviate(response.body()));
            } else {
                LOG.debugf("metrics pushed to %s", url);
            }
        } catch (IOException e) {
            LOG.warnf("could not push the metrics to %s: %s (the run itself is unaffected)", url, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The series of one database (the Pushgateway group is per database), with their HELP and TYPE lines. */
    static String onlyDatabase(String text, String database) {
        String label = "database=\"" + database + "\"";
        StringBuilder kept = new StringBuilder();
        StringBuilder comments = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                comments.setLength(0);
                comments.append(line).append('\n');
            } else if (line.startsWith("#")) {
                comments.append(line).append('\n');
            } else if (line.contains(label)) {
                kept.append(comments).append(line).append('\n');
                comments.setLength(0);
            }
        }
        return kept.toString();
    }

    /** Keeps the metric families whose name starts with {@link BackupMetrics#PREFIX}. */
    static String onlyDbBackup(String scrape) {
        List<String> kept = new ArrayList<>();
        for (String line : scrape.split("\n")) {
            String name = line.startsWith("# HELP ") || line.startsWith("# TYPE ") ? line.substring(7) : line;
            if (name.startsWith(BackupMetrics.PREFIX)) {
                kept.add(line);
            }
        }
        return kept.isEmpty() ? "" : String.join("\n", kept) + "\n";
    }

    private static String abbreviate(String body) {
        String line = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
