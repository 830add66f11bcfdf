package dev.dbbackup.cli;

import dev.dbbackup.catalog.ManifestCodec;
import dev.dbbackup.config.Settings;
import dev.dbbackup.operation.ExitCode;
import dev.dbbackup.metrics.SizeHistory;
import dev.dbbackup.metrics.SizeTrend;
import dev.dbbackup.operation.ListOperation;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List every backup with its type, time, size, state and the retention bucket that keeps it.",
        footer = {"", "Examples:", "  dbbackup list", "  dbbackup list --format json | jq '.[0].path'",
                "  dbbackup list --store offsite             # the copies in BACKUP_OFFSITE_URL, with the offsite retention",
                "  dbbackup list --stats                     # size trend from BACKUP_DIR/size_history.csv"})
public class ListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    RetentionOptions retention;

    @Mixin
    StoreOption store;

    @Mixin
    OutputFormat format;

    @Option(names = "--stats", description = "Show the size trend per database and type from BACKUP_DIR/size_history.csv.")
    boolean stats;

    @Inject
    ListOperation list;

    @Override
    public Integer call() {
        format.check();
        Settings settings = common.settings(store.retentionFlags(retention));
        if (stats) {
            return printStats(settings);
        }
        List<ListOperation.ListedBackup> rows = list.list(settings, store.choice());
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            out.println(ManifestCodec.toJson(rows));
            out.flush();
            return ExitCode.OK.code();
        }
        if (rows.isEmpty()) {
            out.println("no backups in " + (store.choice() == dev.dbbackup.operation.StoreChoice.OFFSITE
                    ? settings.offsite().store().location() : settings.backupDir().toAbsolutePath().normalize()));
            out.flush();
            return ExitCode.OK.code();
        }
        String header = "%-8s %-19s %10s %-20s %-40s %-10s %s";
        out.println(String.format(header, "TYPE", "CREATED (" + settings.zone().getId() + ")", "SIZE", "STATE", "KEPT BY", "ENCRYPTION", "FILE"));
        boolean several = rows.stream().map(ListOperation.ListedBackup::database).distinct().count() > 1;
        String database = null;
        for (ListOperation.ListedBackup row : rows) {
            if (several && !java.util.Objects.equals(database, row.database())) {
                database = row.database();
                out.println("DATABASE " + database);
            }
            String keptBy = row.keep() ? String.join(", ", row.keptBy()) : "deleted at next prune";
            out.println(String.format(header, row.type(), Format.time(Instant.parse(row.created()), settings.zone()),
                    Format.bytes(row.size()), row.state(), keptBy, row.encryptionWord(), row.file()));
        }
        out.flush();
        return ExitCode.OK.code();
    }

    private int printStats(Settings settings) {
        java.nio.file.Path file = SizeHistory.file(settings);
        List<SizeTrend> trends;
        try {
            trends = SizeTrend.of(SizeHistory.read(file));
        } catch (java.io.IOException e) {
            throw new dev.dbbackup.operation.DbBackupException(ExitCode.FAILURE, "cannot read the size history " + file + ": " + e.getMessage(),
                    "check its permissions");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            out.println(ManifestCodec.toJson(trends));
        } else if (trends.isEmpty()) {
            out.println("no size history yet in " + file + " (each backup adds a line)");
        } else {
            out.println("size history: " + file);
            String header = "%-16s %-8s %7s %-10s %-10s %10s %10s %10s %10s %9s %8s  %s";
            out.println(String.format(header, "DATABASE", "TYPE", "BACKUPS", "FIRST", "LATEST", "LAST SIZE", "MIN", "AVG", "MAX",
                    "CHANGE", "AVG TIME", "TREND (oldest → newest)"));
            for (SizeTrend t : trends) {
                String change = t.changePercent() == null ? "-" : String.format(java.util.Locale.ROOT, "%+.1f%%", t.changePercent());
                out.println(String.format(header, t.database(), t.type(), t.backups(), day(t.first(), settings), day(t.latest(), settings),
                        Format.bytes(t.latestBytes()), Format.bytes(t.minBytes()), Format.bytes(t.averageBytes()), Format.bytes(t.maxBytes()),
                        change, Format.seconds(java.time.Duration.ofMillis(Math.round(t.averageSeconds() * 1000))), t.sparkline()));
            }
        }
        out.flush();
        return ExitCode.OK.code();
    }

    private static String day(Instant instant, Settings settings) {
        return Format.time(instant, settings.zone()).substring(0, 10);
    }
}
