package dev.dbbackup.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Level;
import org.jboss.logmanager.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.FileHandler;
import dev.dbbackup.config.ConfigException;

/** Adjusts logging at run time: verbosity, and --log-file appending the same lines as stderr. */
final class LogSetup {

    private static final String FORMAT = "%d{yyyy-MM-dd HH:mm:ss} %-5p %s%e%n";
    private static boolean fileAttached;

    private LogSetup() {
    }

    static void level(boolean verbose, boolean quiet) {
        Level level = verbose ? Level.FINE : quiet ? Level.WARNING : Level.INFO;
        Logger.getLogger("dev.dbbackup").setLevel(level);
    }

    static synchronized void appendTo(Path file) {
        if (fileAttached) {
            return;
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            FileHandler handler = new FileHandler(file.toString(), true);
            handler.setFormatter(new PatternFormatter(FORMAT));
            handler.setAutoFlush(true);
            Logger root = Logger.getLogger("");
            for (Handler existing : root.getHandlers()) {
                if (existing.getLevel() != null) {
                    handler.setLevel(existing.getLevel());
                }
            }
            root.addHandler(handler);
            fileAttached = true;
        } catch (Exception e) {
            throw new ConfigException("log file " + file + " cannot be opened for appending (" + e.getClass().getSimpleName() + ")",
                    "fix --log-file / BACKUP_LOG_FILE or the folder's permissions");
        }
    }
}
