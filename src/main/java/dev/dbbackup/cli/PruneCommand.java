package dev.dbbackup.cli;

import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.Settings;
import dev.dbbackup.operation.ExitCode;
import dev.dbbackup.operation.PruneOperation;
import dev.dbbackup.metrics.MetricsExport;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Apply retention alone: print each backup with its keep/delete reason and delete what it says.",
        footer = {"", "Examples:", "  dbbackup prune --dry-run", "  dbbackup prune --retention-days 3",
                "  dbbackup prune --keep-last 3 --dry-run   # the seed's disk-full recipe, safely",
                "  dbbackup prune --store offsite --dry-run # the offsite store, with BACKUP_OFFSITE_RETENTION_*"})
public class PruneCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    RetentionOptions retention;

    @Mixin
    StoreOption store;

    @Option(names = "--dry-run", description = "Print the plan; delete nothing.")
    boolean dryRun;

    @Option(names = "--keep-last", paramLabel = "N",
            description = "Emergency cleanup (disk full): keep only the N newest valid backups, whatever the calendar."
                    + " The newest valid backup is always kept.")
    Integer keepLast;

    @Mixin
    MetricsOptions metrics;

    @Inject
    PruneOperation prune;

    @Inject
    MetricsExport metricsExport;

    @Override
    public Integer call() {
        Settings settings = common.settings(store.retentionFlags(retention));
        if (keepLast != null && keepLast < 0) {
            throw new ConfigException("--keep-last must be zero or more, got " + keepLast, "e.g. --keep-last 3");
        }
        PruneOperation.PruneReport report = prune.run(settings, dryRun, keepLast, store.choice());
        if (!dryRun) {
            metrics.export(settings, common.sources(), metricsExport);
        }
        PrintWriter out = spec.commandLine().getOut();
        String prefix = dryRun ? "dry run: would " : "";
        for (PruneOperation.PruneItem item : report.items()) {
            String verb = item.decision().keep() ? "keep   " : dryRun ? "delete " : "deleted";
            out.println(prefix + verb + " " + item.entry().key() + "  (" + String.join("; ", item.decision().reasons()) + ")");
        }
        long kept = report.items().stream().filter(i -> i.decision().keep()).count();
        out.println((dryRun ? "dry run: " : "") + "kept " + kept + ", " + (dryRun ? "would delete " + (report.items().size() - kept)
                : "deleted " + report.deleted().size()));
        out.flush();
        return ExitCode.OK.code();
    }
}
