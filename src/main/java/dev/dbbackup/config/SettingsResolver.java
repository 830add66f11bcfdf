package dev.dbbackup.config;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.pipeline.Compression;
import dev.dbbackup.pipeline.crypto.EncryptionSettings;
import dev.dbbackup.retention.RetentionPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.util.Locale;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Turns the raw setting sources into one validated {@link Settings}, failing on the first bad value. */
public final class SettingsResolver {

    public static final String DATABASE_URL = "DATABASE_URL";
    public static final String DATABASE_PASSWORD = "DATABASE_PASSWORD";
    public static final String BACKUP_DIR = "BACKUP_DIR";
    public static final String RETENTION_DAYS = "BACKUP_RETENTION_DAYS";
    public static final String RETENTION_WEEKS = "BACKUP_RETENTION_WEEKS";
    public static final String RETENTION_MONTHS = "BACKUP_RETENTION_MONTHS";
    public static final String RETENTION_HOURS = "BACKUP_RETENTION_HOURS";
    public static final String RETENTION_YEARS = "BACKUP_RETENTION_YEARS";
    public static final String TIMEZONE = "BACKUP_TIMEZONE";
    public static final String COMPRESSION_LEVEL = "BACKUP_COMPRESSION_LEVEL";
    /** gzip:1..9 or zstd:1..19; a level given here wins over BACKUP_COMPRESSION_LEVEL. */
    public static final String COMPRESSION = "BACKUP_COMPRESSION";
    /** Threads that compress (0 = one per core). */
    public static final String COMPRESSION_THREADS = "BACKUP_COMPRESSION_THREADS";
    public static final String LOG_FILE = "BACKUP_LOG_FILE";
    /** Age over which the newest good backup makes the health check fail. */
    public static final String MAX_AGE = "BACKUP_MAX_AGE";
    /** What metrics, alerts and the size history call the database; defaults to its name from the URL. */
    public static final String NAME = "BACKUP_NAME";
    /** Fixes "now" (ISO-8601 instant) for rehearsals and tests of the type/retention calendar. */
    public static final String NOW = "DBBACKUP_NOW";

    public static final String DEFAULT_DATABASE_URL = "sqlite:///./app.db";

    private SettingsResolver() {
    }

    public static Settings resolve(SettingSources sources) {
        DatabaseUrl url = databaseUrl(sources);
        Path backupDir = Path.of(sources.get(BACKUP_DIR).orElse("./backups"));
        RetentionPolicy retention = new RetentionPolicy(
                nonNegative(sources, RETENTION_HOURS, 24),
                nonNegative(sources, RETENTION_DAYS, 7),
                nonNegative(sources, RETENTION_WEEKS, 4),
                nonNegative(sources, RETENTION_MONTHS, 12),
                nonNegative(sources, RETENTION_YEARS, 0));
        ZoneId zone = zone(sources);
        Clock clock = clock(sources, zone);
        int level = intIn(sources, COMPRESSION_LEVEL, Compression.DEFAULT_GZIP_LEVEL, 1, 9);
        Compression compression = compression(sources, level);
        Optional<Path> logFile = sources.get(LOG_FILE).filter(s -> !s.isBlank()).map(Path::of);
        Duration maxAge = duration(MAX_AGE, sources.get(MAX_AGE).orElse("26h"));
        return new Settings(url, backupDir, retention, zone, clock, level, logFile, maxAge)
                .withCompression(compression)
                .withOffsite(OffsiteSettingsResolver.resolve(sources, retention))
                .withEncryption(encryption(sources))
                .withName(name(sources, url));
    }

    private static EncryptionSettings encryption(SettingSources sources) {
        try {
            return EncryptionSettings.resolve(sources.get(EncryptionSettings.ENCRYPTION).orElse(null),
                    sources.get(EncryptionSettings.PASSPHRASE).orElse(null), sources.get(EncryptionSettings.PUBLIC_KEYS).orElse(null),
                    sources.get(EncryptionSettings.DECRYPTION_KEY).orElse(null), sources.get(EncryptionSettings.DECRYPTION_PASSPHRASE).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), "see docs/encryption.md");
        }
    }

    private static Compression compression(SettingSources sources, int gzipLevel) {
        int threads = intIn(sources, COMPRESSION_THREADS, 0, 0, 4096);
        Optional<String> spec = sources.get(COMPRESSION).filter(s -> !s.isBlank());
        if (spec.isEmpty()) {
            return Compression.gzip(gzipLevel).withThreads(threads);
        }
        Compression parsed;
        try {
            parsed = Compression.parse(spec.get());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(COMPRESSION + " " + e.getMessage(), "set --compression or BACKUP_COMPRESSION to e.g. gzip:6 or zstd:3");
        }
        if (parsed.algorithm().equals(Compression.GZIP) && !spec.get().contains(":")) {
            parsed = Compression.gzip(gzipLevel);
        }
        return parsed.withThreads(threads);
    }

    private static DatabaseUrl databaseUrl(SettingSources sources) {
        String raw = sources.get(DATABASE_URL).orElse(DEFAULT_DATABASE_URL);
        DatabaseUrl url;
        try {
            url = DatabaseUrl.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("DATABASE_URL " + e.getMessage(), "fix --database-url or DATABASE_URL");
        }
        Optional<String> password = sources.get(DATABASE_PASSWORD);
        if (password.isPresent() && url.kind() == DatabaseUrl.Kind.POSTGRESQL && url.password() == null) {
            url = url.withPassword(password.get());
        }
        return url;
    }

    private static String name(SettingSources sources, DatabaseUrl url) {
        Optional<String> name = sources.get(NAME).map(String::strip);
        if (name.isEmpty()) {
            return Settings.defaultName(url);
        }
        if (!name.get().matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException(NAME + " '" + name.get() + "' may only hold letters, digits, '.', '_' and '-'",
                    "pick a short name such as app or billing-db");
        }
        return name.get();
    }

    private static int nonNegative(SettingSources sources, String name, int defaultValue) {
        return intIn(sources, name, defaultValue, 0, 100_000);
    }

    private static int intIn(SettingSources sources, String name, int defaultValue, int min, int max) {
        Optional<String> value = sources.get(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value.get().strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number, got '" + value.get() + "'",
                    "set it to a number from " + min + " to " + max);
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(name + " must be from " + min + " to " + max + ", got " + parsed,
                    "set it to a number from " + min + " to " + max);
        }
        return parsed;
    }

    /** A duration such as 26h, 90m, 2d, 30s or ISO-8601 (PT26H). */
    public static Duration duration(String setting, String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (v.matches("\\d+[smhd]")) {
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                return switch (v.charAt(v.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new ConfigException(setting + " '" + value + "' is not a duration", "use e.g. 26h, 90m or 2d");
        }
    }

    private static ZoneId zone(SettingSources sources) {
        String value = sources.get(TIMEZONE).orElse("UTC");
        try {
            return ZoneId.of(value);
        } catch (DateTimeException e) {
            throw new ConfigException(TIMEZONE + " '" + value + "' is not a time zone", "use a name like UTC or Europe/Berlin");
        }
    }

    private static Clock clock(SettingSources sources, ZoneId zone) {
        Optional<String> now = sources.get(NOW);
        if (now.isEmpty()) {
            return Clock.system(zone);
        }
        try {
            return Clock.fixed(Instant.parse(now.get().strip()), zone);
        } catch (DateTimeParseException e) {
            throw new ConfigException(NOW + " '" + now.get() + "' is not an ISO-8601 instant", "use e.g. 2025-11-02T02:00:00Z");
        }
    }
}
