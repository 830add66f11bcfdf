package dev.dbbackup.cli;

import dev.dbbackup.catalog.ManifestCodec;
import dev.dbbackup.config.SettingsResolver;
import dev.dbbackup.operation.ExitCode;
import dev.dbbackup.operation.HealthOperation;
import dev.dbbackup.operation.alert.AlertEvent;
import dev.dbbackup.operation.alert.AlertSettings;
import dev.dbbackup.operation.alert.Alerts;
import dev.dbbackup.metrics.MetricsExport;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "health", mixinStandardHelpOptions = true,
        description = {"Exit 0 when the newest good backup is younger than the limit, 8 when it is older or there is none.",
                "For Docker HEALTHCHECK and cron monitors."},
        footer = {"", "Examples:", "  dbbackup health", "  dbbackup health --max-age 6h --format json",
                "  HEALTHCHECK CMD [\"dbbackup\", \"health\"]"})
public class HealthCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--max-age", paramLabel = "AGE", description = "Limit such as 26h, 90m or 2d (env BACKUP_MAX_AGE, default 26h).")
    String maxAge;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
    String format;

    @Option(names = "--alert", description = "When stale, also send a stale alert (if BACKUP_ALERT_ON includes stale).")
    boolean alert;

    @Mixin
    MetricsOptions metrics;

    @Inject
    HealthOperation health;

    @Inject
    MetricsExport metricsExport;

    @Inject
    Alerts alerts;

    @Override
    public Integer call() {
        Map<String, String> flags = new HashMap<>();
        CommonOptions.putIfSet(flags, SettingsResolver.MAX_AGE, maxAge);
        var settings = common.settings(flags);
        HealthOperation.Health result = health.check(settings, settings.maxAge());
        metrics.export(settings, common.sources(), metricsExport);
        if (alert && !result.healthy()) {
            alerts.send(AlertSettings.resolve(common.sources()), AlertEvent.stale(settings, result));
        }
        PrintWriter out = spec.commandLine().getOut();
        if ("json".equals(format)) {
            out.println(ManifestCodec.toJson(result));
        } else {
            out.println(result.status() + ": " + result.reason() + (result.newestGoodBackup() == null ? "" : " (" + result.newestGoodBackup() + ")"));
        }
        out.flush();
        return result.healthy() ? ExitCode.OK.code() : ExitCode.UNHEALTHY.code();
    }
}
