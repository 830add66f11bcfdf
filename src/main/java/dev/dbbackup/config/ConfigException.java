package dev.dbbackup.config;

import dev.dbbackup.operation.DbBackupException;
import dev.dbbackup.operation.ExitCode;

/** An invalid or missing setting; the message names the setting and how to fix it. Exit code 2. */
public class ConfigException extends DbBackupException {

    public ConfigException(String message, String hint) {
        super(ExitCode.USAGE, message, hint);
    }
}
