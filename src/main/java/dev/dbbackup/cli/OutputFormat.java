package dev.dbbackup.cli;

import dev.dbbackup.config.ConfigException;
import picocli.CommandLine.Option;

/** The --format option of the commands that print a report: a table for people or JSON for scripts. */
public class OutputFormat {

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
    String format;

    /** Refuses an unknown format before the command does any work. */
    void check() {
        if (!format.equals("table") && !format.equals("json")) {
            throw new ConfigException("--format '" + format + "' is not known", "use table or json");
        }
    }

    boolean json() {
        return format.equals("json");
    }
}
