package dev.dbbackup.cli;

import dev.dbbackup.catalog.ManifestCodec;
import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.Settings;
import dev.dbbackup.operation.ExitCode;
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
                "  dbbackup list --store offsite             # the copies in BACKUP_OFFSITE_URL, with the offsite retention"})
public class ListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    RetentionOptions retention;

    @Mixin
    StoreOption store;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
    String format;

    @Inject
    ListOperation list;

    @Override
    public Integer call() {
        if (!format.equals("table") && !format.equals("json")) {
            throw new ConfigException("--format '" + format + "' is not known", "use table or json");
        }
        Settings settings = common.settings(store.retentionFlags(retention));
        List<ListOperation.ListedBackup> rows = list.list(settings, store.choice());
        PrintWriter out = spec.commandLine().getOut();
        if (format.equals("json")) {
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
        for (ListOperation.ListedBackup row : rows) {
            String keptBy = row.keep() ? String.join(", ", row.keptBy()) : "deleted at next prune";
            out.println(String.format(header, row.type(), Format.time(Instant.parse(row.created()), settings.zone()),
                    Format.bytes(row.size()), row.state(), keptBy, row.encryptionWord(), row.file()));
        }
        out.flush();
        return ExitCode.OK.code();
    }
}
