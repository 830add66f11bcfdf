package dev.dbbackup;

import dev.dbbackup.cli.DbBackupCommand;
import dev.dbbackup.cli.ErrorHandler;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import picocli.CommandLine;

/** Runs the picocli command tree with CDI-aware command construction. */
public class DbBackupApplication implements QuarkusApplication {

    @Inject
    CommandLine.IFactory factory;

    @Override
    public int run(String... args) {
        CommandLine commandLine = new CommandLine(DbBackupCommand.class, factory);
        commandLine.getCommandSpec().usageMessage().footer(DbBackupCommand.footer());
        commandLine.setUsageHelpWidth(110);
        ErrorHandler handler = new ErrorHandler();
        commandLine.setExecutionExceptionHandler(handler);
        commandLine.setParameterExceptionHandler(handler);
        return commandLine.execute(args);
    }
}
