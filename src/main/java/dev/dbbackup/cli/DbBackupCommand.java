package dev.dbbackup.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import dev.dbbackup.operation.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@TopCommand
@Command(name = "dbbackup", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Verified, rotated, compressed plain-SQL backups of SQLite and PostgreSQL databases.",
        subcommands = {BackupCommand.class, RestoreCommand.class, ListCommand.class, VerifyCommand.class, PruneCommand.class, HealthCommand.class,
                SyncCommand.class, ScheduleCommand.class, InstallCommand.class, CdsTrainingCommand.class})
public class DbBackupCommand {

    /** The command tree with CDI-made commands, the exit-code footer and one error handler: what a run executes. */
    public static CommandLine commandLine(CommandLine.IFactory factory) {
        CommandLine commandLine = new CommandLine(DbBackupCommand.class, factory);
        commandLine.getCommandSpec().usageMessage().footer(footer());
        commandLine.setUsageHelpWidth(110);
        ErrorHandler handler = new ErrorHandler();
        commandLine.setExecutionExceptionHandler(handler);
        commandLine.setParameterExceptionHandler(handler);
        return commandLine;
    }

    /** The exit-code table and settings precedence, printed under the top-level --help. */
    public static String[] footer() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        lines.add("");
        lines.add("Exit codes:");
        for (ExitCode code : ExitCode.values()) {
            lines.add(String.format("  %d  %s", code.code(), code.meaning()));
        }
        lines.add("");
        lines.add("Settings: flags > environment > config file (--config / DBBACKUP_CONFIG) > defaults;");
        lines.add("every setting NAME can also be read from the file named by NAME_FILE (Docker secrets).");
        return lines.toArray(String[]::new);
    }
}
