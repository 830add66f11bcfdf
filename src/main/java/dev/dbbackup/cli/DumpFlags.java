package dev.dbbackup.cli;

import dev.dbbackup.config.ConfigException;
import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** What to dump and how (PostgreSQL; SQLite ignores them). */
public class DumpFlags {

    @Option(names = "--schema", paramLabel = "PATTERN", description = "Dump only this schema (repeatable; * and ? wildcards).")
    List<String> schemas = new ArrayList<>();

    @Option(names = "--exclude-schema", paramLabel = "PATTERN", description = "Leave this schema out (repeatable).")
    List<String> excludeSchemas = new ArrayList<>();

    @Option(names = "--exclude-table-data", paramLabel = "TABLE", description = "Dump the table's definition but not its rows (schema.table; repeatable).")
    List<String> excludeTableData = new ArrayList<>();

    @Option(names = "--no-owner", description = "Write no ALTER … OWNER statements (managed databases where roles differ).")
    boolean noOwner;

    @Option(names = "--no-privileges", description = "Write no GRANT/REVOKE statements.")
    boolean noPrivileges;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "1", description = "PostgreSQL: copy tables, and block ranges of large tables (server 14+), over N connections sharing one snapshot (default 1).")
    int jobs;

    @Option(names = "--dumper", paramLabel = "DUMPER", defaultValue = "builtin",
            description = "builtin (default: no client tools needed) or pg_dump (the pg_dump on PATH, checked against the server version).")
    String dumper;

    DumpOptions options(DumpProgress progress) {
        if (jobs < 1 || jobs > 64) {
            throw new ConfigException("--jobs must be from 1 to 64, got " + jobs, "e.g. --jobs 4");
        }
        DumpOptions.Dumper chosen = switch (dumper.toLowerCase(Locale.ROOT)) {
            case "builtin", "built-in" -> DumpOptions.Dumper.BUILT_IN;
            case "pg_dump" -> DumpOptions.Dumper.PG_DUMP;
            default -> throw new ConfigException("--dumper '" + dumper + "' is not known", "use builtin or pg_dump");
        };
        return new DumpOptions(List.copyOf(schemas), List.copyOf(excludeSchemas), List.copyOf(excludeTableData), noOwner, noPrivileges,
                jobs, progress, chosen);
    }
}
