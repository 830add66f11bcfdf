package dev.dbbackup.cli;

import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.SettingSources;
import dev.dbbackup.config.Settings;
import dev.dbbackup.metrics.MetricsExport;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where a one-shot run leaves its metrics: a textfile-collector file and/or a Pushgateway. */
public class MetricsOptions {

    public static final String METRICS_FILE = "BACKUP_METRICS_FILE";
    public static final String PUSHGATEWAY = "BACKUP_PUSHGATEWAY_URL";

    @Option(names = "--metrics-file", paramLabel = "FILE",
            description = "Write the backup metrics in Prometheus text format for node_exporter's textfile collector (env BACKUP_METRICS_FILE).")
    String metricsFile;

    @Option(names = "--pushgateway", paramLabel = "URL",
            description = "Push the backup metrics to this Prometheus Pushgateway (env BACKUP_PUSHGATEWAY_URL).")
    String pushgateway;

    /** Refreshes the folder-derived gauges and writes/pushes the metrics when asked to; never fails the run. */
    void export(Settings settings, SettingSources sources, MetricsExport export) {
        Optional<Path> file = Optional.ofNullable(metricsFile).or(() -> sources.get(METRICS_FILE)).filter(s -> !s.isBlank()).map(Path::of);
        Optional<URI> push = Optional.ofNullable(pushgateway).or(() -> sources.get(PUSHGATEWAY)).filter(s -> !s.isBlank()).map(MetricsOptions::uri);
        export.export(settings, file, push);
    }

    private static URI uri(String text) {
        try {
            URI uri = URI.create(text.strip());
            if (uri.getScheme() != null && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ConfigException("--pushgateway / " + PUSHGATEWAY + " '" + text + "' is not a URL", "use e.g. http://pushgateway:9091");
    }
}
