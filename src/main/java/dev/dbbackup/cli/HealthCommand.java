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
import dev.dbbackup.config.Settings;
import dev.dbbackup.schedule.SchedulePlan;
import dev.dbbackup.schedule.ScheduleTarget;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
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
                "  HEALTHCHECK CMD [\"dbbackup\", \"health\"]",
                "  dbbackup health --targets targets.ini      # every database of the scheduler's targets file"})
public class HealthCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--max-age", paramLabel = "AGE", description = "Limit such as 26h, 90m or 2d (env BACKUP_MAX_AGE, default 26h).")
    String maxAge;

    @Mixin
    OutputFormat format;

    @Option(names = "--targets", paramLabel = "FILE",
            description = "Check every database of a scheduler targets file (env BACKUP_TARGETS_FILE); unhealthy if any is.")
    String targets;

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
        format.check();
        Map<String, String> flags = new HashMap<>();
        CommonOptions.putIfSet(flags, SettingsResolver.MAX_AGE, maxAge);
        CommonOptions.putIfSet(flags, SchedulePlan.TARGETS_FILE, targets);
        var settings = common.settings(flags);
        boolean several = common.sources().get(SchedulePlan.TARGETS_FILE).filter(s -> !s.isBlank()).isPresent();
        List<ScheduleTarget> databases = several ? SchedulePlan.resolve(common.sources(), settings).targets() : List.of();
        List<NamedHealth> results = new ArrayList<>();
        for (Settings database : several ? databases.stream().map(ScheduleTarget::settings).toList() : List.of(settings)) {
            HealthOperation.Health result = health.check(database, database.maxAge());
            results.add(new NamedHealth(database.name(), result));
            metrics.export(database, common.sources(), metricsExport);
            if (alert && !result.healthy()) {
                AlertSettings alerting = several ? databases.get(results.size() - 1).alerts() : AlertSettings.resolve(common.sources());
                alerts.send(alerting, AlertEvent.stale(database, result));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            out.println(ManifestCodec.toJson(several ? results : results.get(0).health()));
        } else {
            for (NamedHealth named : results) {
                HealthOperation.Health result = named.health();
                out.println((several ? named.database() + ": " : "") + result.status() + ": " + result.reason()
                        + (result.newestGoodBackup() == null ? "" : " (" + result.newestGoodBackup() + ")"));
            }
        }
        out.flush();
        return results.stream().allMatch(r -> r.health().healthy()) ? ExitCode.OK.code() : ExitCode.UNHEALTHY.code();
    }

    @RegisterForReflection
    record NamedHealth(String database, HealthOperation.Health health) {
    }
}
