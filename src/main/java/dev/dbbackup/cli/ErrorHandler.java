package dev.dbbackup.cli;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.operation.DbBackupException;
import dev.dbbackup.operation.ExitCode;
import java.io.PrintWriter;
import org.jboss.logging.Logger;
import picocli.CommandLine;

/** Turns every failure into one clear error line (plus a hint line) on stderr and a documented exit code. */
public final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    private static final Logger LOG = Logger.getLogger(ErrorHandler.class);

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (ex instanceof DbBackupException e) {
            LogSetup.failure(DatabaseUrl.redact(e.getMessage()) + (e.hint() == null ? "" : " (hint: " + DatabaseUrl.redact(e.hint()) + ")"));
            err.println("error: " + DatabaseUrl.redact(e.getMessage()));
            if (e.hint() != null) {
                err.println("hint: " + DatabaseUrl.redact(e.hint()));
            }
            LOG.debug("failure detail", e);
            err.flush();
            return e.exitCode().code();
        }
        LogSetup.failure(DatabaseUrl.redact(String.valueOf(ex.getMessage())) + " (" + ex.getClass().getSimpleName() + ")");
        err.println("error: " + DatabaseUrl.redact(String.valueOf(ex.getMessage())) + " (" + ex.getClass().getSimpleName() + ")");
        err.println("hint: this is unexpected; rerun with --verbose for detail and report it");
        LOG.debug("unexpected failure", ex);
        err.flush();
        return ExitCode.FAILURE.code();
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + DatabaseUrl.redact(ex.getMessage()));
        err.println("hint: see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return ExitCode.USAGE.code();
    }
}
