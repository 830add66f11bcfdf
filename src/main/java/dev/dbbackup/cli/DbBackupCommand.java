package dev.dbbackup.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

@TopCommand
@Command(name = "dbbackup", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Verified, rotated, compressed plain-SQL backups of SQLite and PostgreSQL databases.",
        subcommands = {})
public class DbBackupCommand {
}
