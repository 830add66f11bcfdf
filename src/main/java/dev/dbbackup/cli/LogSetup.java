package dev.dbbackup.cli;

import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Level;
import org.jboss.logmanager.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;
import dev.dbbackup.config.ConfigException;
import dev.dbbackup.storage.local.PrivateFiles;

/**
 * Adjusts logging at run time: verbosity, and --log-file appending the same lines as stderr, rotated by size
 * (BACKUP_LOG_MAX_SIZE, default 10M; BACKUP_LOG_KEEP older files, default 5: backup.log.1 … backup.log.5).
 */
final class LogSetup {

    private static final String FORMAT = "%d{yyyy-MM-dd HH:mm:ss} %-5p %s%e%n";
    private static boolean fileAttached;
    private static Handler fileHandler;

    private LogSetup() {
    }

    static void level(boolean verbose, boolean quiet) {
        Level level = verbose ? Level.FINE : quiet ? Level.WARNING : Level.INFO;
        Logger.getLogger("dev.dbbackup").setLevel(level);
        scrubSecrets(Logger.getLogger("").getHandlers());
    }

    /** Every log line (stack traces included) leaves with the run's known secrets replaced by ***. */
    private static synchronized void scrubSecrets(Handler[] handlers) {
        for (Handler handler : handlers) {
            if (handler instanceof org.jboss.logmanager.ExtHandler ext && ext.getHandlers().length > 0) {
                scrubSecrets(ext.getHandlers());
            }
            java.util.logging.Formatter formatter = handler.getFormatter();
            if (formatter != null && !(formatter instanceof ScrubbingFormatter)) {
                handler.setFormatter(new ScrubbingFormatter(formatter));
            }
        }
    }

    private static final class ScrubbingFormatter extends java.util.logging.Formatter {
        private final java.util.logging.Formatter delegate;

        ScrubbingFormatter(java.util.logging.Formatter delegate) {
            this.delegate = delegate;
        }

        @Override
        public String format(java.util.logging.LogRecord record) {
            return dev.dbbackup.engine.DatabaseUrl.redact(delegate.format(record));
        }

        @Override
        public String getHead(Handler handler) {
            return delegate.getHead(handler);
        }

        @Override
        public String getTail(Handler handler) {
            return delegate.getTail(handler);
        }
    }

    static final String MAX_SIZE = "BACKUP_LOG_MAX_SIZE";
    static final String KEEP = "BACKUP_LOG_KEEP";

    static synchronized void appendTo(Path file, long maxBytes, int keep) {
        if (fileAttached) {
            return;
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                PrivateFiles.createDirectories(parent);
            }
            PrivateRotatingFileHandler handler = new PrivateRotatingFileHandler(file.toAbsolutePath(), maxBytes, keep);
            handler.setFormatter(new PatternFormatter(FORMAT));
            handler.setAutoFlush(true);
            Logger root = Logger.getLogger("");
            for (Handler existing : root.getHandlers()) {
                if (existing.getLevel() != null) {
                    handler.setLevel(existing.getLevel());
                }
            }
            root.addHandler(handler);
            fileHandler = handler;
            fileAttached = true;
        } catch (PrivateFiles.UnsafeFileException e) {
            throw new ConfigException("log file " + e.getMessage(), "fix --log-file / BACKUP_LOG_FILE or remove " + e.getFile());
        } catch (Exception e) {
            throw new ConfigException("log file " + file + " cannot be opened for appending (" + e.getClass().getSimpleName() + ")",
                    "fix --log-file / BACKUP_LOG_FILE or the folder's permissions");
        }
    }

    /**
     * Records a failure as an ERROR line with a timestamp, so 'grep ERROR logs/backup.log' finds every failed run: in the
     * --log-file, and on stderr too when stderr is no terminal (cron's "&gt;&gt; logs/backup.log 2&gt;&amp;1"), where the
     * "error:" line alone has neither.
     */
    static synchronized void failure(String message) {
        boolean terminal = System.console() != null;
        org.jboss.logmanager.ExtLogRecord record = new org.jboss.logmanager.ExtLogRecord(org.jboss.logmanager.Level.ERROR, message,
                LogSetup.class.getName());
        record.setLoggerName("dev.dbbackup.cli");
        if (!terminal) {
            for (Handler handler : Logger.getLogger("").getHandlers()) {
                if (handler != fileHandler) {
                    handler.publish(record);
                    handler.flush();
                }
            }
        }
        if (fileHandler != null) {
            fileHandler.publish(record);
            fileHandler.flush();
        }
    }

    static int keep(String value) {
        try {
            int keep = Integer.parseInt(value.strip());
            if (keep >= 0 && keep <= 1000) {
                return keep;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(KEEP + " '" + value + "' must be a number of old log files from 0 to 1000", "e.g. BACKUP_LOG_KEEP=5");
    }

    /** A size such as 10M, 500K, 1G or a number of bytes. */
    static long size(String setting, String value) {
        String v = value.strip().toUpperCase(java.util.Locale.ROOT).replaceAll("I?B$", "");
        try {
            long factor = switch (v.isEmpty() ? ' ' : v.charAt(v.length() - 1)) {
                case 'K' -> 1024L;
                case 'M' -> 1024L * 1024;
                case 'G' -> 1024L * 1024 * 1024;
                default -> 1;
            };
            long number = Long.parseLong(factor == 1 ? v : v.substring(0, v.length() - 1));
            if (number > 0) {
                return number * factor;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(setting + " '" + value + "' is not a size", "use e.g. 10M, 500K or 1G");
    }
}
