package dev.dbbackup.cli;

import dev.dbbackup.config.SettingSources;
import dev.dbbackup.config.Settings;
import dev.dbbackup.config.SettingsResolver;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command shares; flags override environment, which overrides the config file. */
public class CommonOptions {

    @Option(names = "--database-url", paramLabel = "URL",
            description = "Database to back up / restore into (env DATABASE_URL, default sqlite:///./app.db).")
    String databaseUrl;

    @Option(names = "--backup-dir", paramLabel = "DIR", description = "Backup folder (env BACKUP_DIR, default ./backups).")
    String backupDir;

    @Option(names = "--config", paramLabel = "FILE", description = "Config file of KEY=VALUE lines (env DBBACKUP_CONFIG).")
    Path config;

    @Option(names = "--log-file", paramLabel = "FILE", description = "Also append log lines to this file (env BACKUP_LOG_FILE).")
    String logFile;

    @Option(names = "--compression", paramLabel = "ALGO:LEVEL",
            description = "Compression of new backups: gzip:1..9 or zstd:1..19 (env BACKUP_COMPRESSION, default gzip:6).")
    String compression;

    @Option(names = {"-v", "--verbose"}, description = "Log details (debug level).")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "Log warnings and errors only.")
    boolean quiet;

    private SettingSources sources;

    /** Resolves and validates the settings, with {@code extraFlags} (env names → values) from the command's own flags. */
    public Settings settings(Map<String, String> extraFlags) {
        LogSetup.level(verbose, quiet);
        Map<String, String> flags = new HashMap<>(extraFlags);
        putIfSet(flags, SettingsResolver.DATABASE_URL, databaseUrl);
        putIfSet(flags, SettingsResolver.BACKUP_DIR, backupDir);
        putIfSet(flags, SettingsResolver.LOG_FILE, logFile);
        putIfSet(flags, SettingsResolver.COMPRESSION, compression);
        sources = SettingSources.load(flags, config);
        Settings settings = SettingsResolver.resolve(sources);
        if (settings.logFile().isPresent()) {
            long maxBytes = LogSetup.size(LogSetup.MAX_SIZE, sources.get(LogSetup.MAX_SIZE).orElse("10M"));
            int keep = LogSetup.keep(sources.get(LogSetup.KEEP).orElse("5"));
            LogSetup.appendTo(settings.logFile().get(), maxBytes, keep);
        }
        return settings;
    }

    public Settings settings() {
        return settings(Map.of());
    }

    /** The sources behind the last {@link #settings} call, for settings other layers read (alerts, scheduler). */
    public SettingSources sources() {
        return sources;
    }

    static void putIfSet(Map<String, String> flags, String name, Object value) {
        if (value != null) {
            flags.put(name, String.valueOf(value));
        }
    }
}
