package dev.dbbackup.cli;

import dev.dbbackup.operation.Confirmation;
import dev.dbbackup.operation.DbBackupException;
import dev.dbbackup.operation.ExitCode;
import java.io.Console;
import java.util.Locale;

/** Asks on the terminal; refuses when there is none (cron, CI, a pipe) so nothing destructive runs unattended by accident. */
final class TerminalConfirmation implements Confirmation {

    @Override
    public boolean confirm(String question) {
        Console console = System.console();
        if (console == null) {
            throw new DbBackupException(ExitCode.NOT_CONFIRMED, "restore needs confirmation but there is no terminal to ask on",
                    "rerun with --yes to confirm non-interactively (nothing was changed)");
        }
        String answer = console.readLine("%s Type 'yes' to continue: ", question);
        return answer != null && answer.strip().toLowerCase(Locale.ROOT).equals("yes");
    }
}
