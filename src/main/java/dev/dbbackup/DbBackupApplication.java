package dev.dbbackup;

import dev.dbbackup.cli.DbBackupCommand;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import picocli.CommandLine;

/** Runs the picocli command tree with CDI-aware command construction. */
public class DbBackupApplication implements QuarkusApplication {

    @Inject
    CommandLine.IFactory factory;

    @Override
    public int run(String... args) {
        return DbBackupCommand.commandLine(factory).execute(args);
    }
}
