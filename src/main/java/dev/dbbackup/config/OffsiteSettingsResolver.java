package dev.dbbackup.config;

import dev.dbbackup.retention.RetentionPolicy;
import dev.dbbackup.storage.s3.S3Location;
import dev.dbbackup.storage.s3.S3StoreConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** Reads and checks the BACKUP_OFFSITE_* settings. */
public final class OffsiteSettingsResolver {

    public static final String URL = "BACKUP_OFFSITE_URL";
    public static final String ENDPOINT = "BACKUP_OFFSITE_ENDPOINT";
    public static final String REGION = "BACKUP_OFFSITE_REGION";
    public static final String PATH_STYLE = "BACKUP_OFFSITE_PATH_STYLE";
    public static final String ACCESS_KEY_ID = "BACKUP_OFFSITE_ACCESS_KEY_ID";
    public static final String SECRET_ACCESS_KEY = "BACKUP_OFFSITE_SECRET_ACCESS_KEY";
    public static final String SSE = "BACKUP_OFFSITE_SSE";
    public static final String SSE_KMS_KEY_ID = "BACKUP_OFFSITE_SSE_KMS_KEY_ID";
    public static final String STORAGE_CLASS = "BACKUP_OFFSITE_STORAGE_CLASS";
    public static final String PART_SIZE = "BACKUP_OFFSITE_PART_SIZE";
    public static final String VERIFY = "BACKUP_OFFSITE_VERIFY";
    public static final String MODE = "BACKUP_OFFSITE_MODE";
    public static final String RETENTION_DAYS = "BACKUP_OFFSITE_RETENTION_DAYS";
    public static final String RETENTION_WEEKS = "BACKUP_OFFSITE_RETENTION_WEEKS";
    public static final String RETENTION_MONTHS = "BACKUP_OFFSITE_RETENTION_MONTHS";
    public static final String RETENTION_HOURS = "BACKUP_OFFSITE_RETENTION_HOURS";
    public static final String RETENTION_YEARS = "BACKUP_OFFSITE_RETENTION_YEARS";
    public static final String STALE_UPLOAD_AGE = "BACKUP_OFFSITE_STALE_UPLOAD_AGE";

    private static final long MAX_PART_SIZE = 512L * 1024 * 1024;

    private OffsiteSettingsResolver() {
    }

    public static OffsiteSettings resolve(SettingSources sources, RetentionPolicy localRetention) {
        Optional<S3Location> location = sources.get(URL).filter(s -> !s.isBlank()).map(OffsiteSettingsResolver::location);
        Optional<URI> endpoint = sources.get(ENDPOINT).filter(s -> !s.isBlank()).map(OffsiteSettingsResolver::endpoint);
        String region = sources.get(REGION).or(() -> sources.get("AWS_REGION")).or(() -> sources.get("AWS_DEFAULT_REGION"))
                .filter(s -> !s.isBlank()).map(String::strip).orElse("us-east-1");
        if (!region.matches("[a-z0-9-]{2,40}")) {
            throw new ConfigException(REGION + " '" + region + "' is not a region name", "use e.g. us-east-1, eu-central-1 or auto (R2)");
        }
        boolean pathStyle = bool(sources, PATH_STYLE, endpoint.isPresent());
        Optional<S3StoreConfig.StaticKeys> keys = keys(sources);
        Optional<String> sse = sources.get(SSE).filter(s -> !s.isBlank()).map(OffsiteSettingsResolver::sse);
        Optional<String> kmsKey = sources.get(SSE_KMS_KEY_ID).filter(s -> !s.isBlank()).map(String::strip);
        if (kmsKey.isPresent() && (sse.isEmpty() || !sse.get().startsWith("aws:kms"))) {
            throw new ConfigException(SSE_KMS_KEY_ID + " is set but " + SSE + " is not aws:kms", "set " + SSE + "=aws:kms or drop the key id");
        }
        Optional<String> storageClass = sources.get(STORAGE_CLASS).filter(s -> !s.isBlank()).map(OffsiteSettingsResolver::storageClass);
        int partSize = partSize(sources.get(PART_SIZE));
        S3StoreConfig.Verify verify = switch (sources.get(VERIFY).orElse("full").strip().toLowerCase(Locale.ROOT)) {
            case "full" -> S3StoreConfig.Verify.FULL;
            case "size" -> S3StoreConfig.Verify.SIZE;
            default -> throw new ConfigException(VERIFY + " '" + sources.get(VERIFY).get() + "' is not known",
                    "use full (read each upload back and compare its SHA-256) or size (no download)");
        };
        OffsiteSettings.Mode mode = mode(sources.get(MODE), location.isPresent());
        RetentionPolicy retention = new RetentionPolicy(
                count(sources, RETENTION_HOURS, localRetention.hours()),
                count(sources, RETENTION_DAYS, localRetention.days()),
                count(sources, RETENTION_WEEKS, localRetention.weeks()),
                count(sources, RETENTION_MONTHS, localRetention.months()),
                count(sources, RETENTION_YEARS, localRetention.years()));
        Duration staleAge = SettingsResolver.duration(STALE_UPLOAD_AGE, sources.get(STALE_UPLOAD_AGE).orElse("24h"));
        return new OffsiteSettings(location, endpoint, region, pathStyle, keys, sse, kmsKey, storageClass, partSize, verify, mode,
                retention, staleAge);
    }

    private static S3Location location(String value) {
        try {
            return S3Location.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(URL + " " + e.getMessage(), "set it to s3://bucket/prefix");
        }
    }

    private static URI endpoint(String value) {
        try {
            URI uri = new URI(value.strip());
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new URISyntaxException(value, "not an http(s) URL");
            }
            if (uri.getUserInfo() != null) {
                throw new ConfigException(ENDPOINT + " must not hold credentials",
                        "use " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY + " (or their _FILE variants)");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(ENDPOINT + " is not an http(s) URL", "use e.g. https://s3.eu-central-003.backblazeb2.com or http://minio:9000");
        }
    }

    private static Optional<S3StoreConfig.StaticKeys> keys(SettingSources sources) {
        Optional<String> id = sources.get(ACCESS_KEY_ID).map(String::strip).filter(s -> !s.isEmpty());
        Optional<String> secret = sources.get(SECRET_ACCESS_KEY).filter(s -> !s.isEmpty());
        if (id.isPresent() != secret.isPresent()) {
            String missing = id.isPresent() ? SECRET_ACCESS_KEY : ACCESS_KEY_ID;
            throw new ConfigException(missing + " is missing while " + (id.isPresent() ? ACCESS_KEY_ID : SECRET_ACCESS_KEY) + " is set",
                    "set both (or their _FILE variants), or neither to use the standard AWS credential chain");
        }
        return id.map(i -> new S3StoreConfig.StaticKeys(i, secret.get()));
    }

    private static String sse(String value) {
        String v = value.strip();
        if (v.equalsIgnoreCase("AES256")) {
            return "AES256";
        }
        if (v.equalsIgnoreCase("aws:kms") || v.equalsIgnoreCase("aws:kms:dsse")) {
            return v.toLowerCase(Locale.ROOT);
        }
        throw new ConfigException(SSE + " '" + value + "' is not known", "use AES256, aws:kms or aws:kms:dsse, or leave it unset for the bucket default");
    }

    private static String storageClass(String value) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        if (!v.matches("[A-Z][A-Z_]{1,40}")) {
            throw new ConfigException(STORAGE_CLASS + " '" + value + "' is not a storage class name",
                    "use e.g. STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING or GLACIER_IR");
        }
        return v;
    }

    /** A size such as 8MiB, 16M, 64m or a plain byte count, at least 5 MiB. */
    static int partSize(Optional<String> value) {
        if (value.isEmpty() || value.get().isBlank()) {
            return S3StoreConfig.DEFAULT_PART_SIZE;
        }
        String v = value.get().strip().toLowerCase(Locale.ROOT);
        long bytes;
        try {
            if (v.matches("\\d+(mib|mb|m)")) {
                bytes = Long.parseLong(v.replaceAll("\\D", "")) * 1024 * 1024;
            } else if (v.matches("\\d+")) {
                bytes = Long.parseLong(v);
            } else {
                throw new NumberFormatException(v);
            }
        } catch (NumberFormatException e) {
            throw new ConfigException(PART_SIZE + " '" + value.get() + "' is not a size", "use e.g. 8MiB or 64MiB");
        }
        if (bytes < S3StoreConfig.MIN_PART_SIZE || bytes > MAX_PART_SIZE) {
            throw new ConfigException(PART_SIZE + " must be from 5MiB to 512MiB, got '" + value.get() + "'",
                    "use e.g. 8MiB (the default); each upload holds at most two parts in memory");
        }
        return (int) bytes;
    }

    private static OffsiteSettings.Mode mode(Optional<String> value, boolean configured) {
        if (value.isEmpty() || value.get().isBlank()) {
            return configured ? OffsiteSettings.Mode.COPY : OffsiteSettings.Mode.OFF;
        }
        OffsiteSettings.Mode mode = switch (value.get().strip().toLowerCase(Locale.ROOT)) {
            case "copy" -> OffsiteSettings.Mode.COPY;
            case "only" -> OffsiteSettings.Mode.ONLY;
            case "off", "none" -> OffsiteSettings.Mode.OFF;
            default -> throw new ConfigException("offsite mode '" + value.get() + "' (--offsite / " + MODE + ") is not known",
                    "use copy (write locally, then copy offsite), only (offsite only) or off");
        };
        if (mode != OffsiteSettings.Mode.OFF && !configured) {
            throw new ConfigException("offsite mode " + mode.name().toLowerCase(Locale.ROOT) + " needs an offsite store, but " + URL + " is not set",
                    "set BACKUP_OFFSITE_URL=s3://bucket/prefix (see docs/offsite.md)");
        }
        return mode;
    }

    private static boolean bool(SettingSources sources, String name, boolean defaultValue) {
        Optional<String> value = sources.get(name);
        if (value.isEmpty() || value.get().isBlank()) {
            return defaultValue;
        }
        return switch (value.get().strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigException(name + " must be true or false, got '" + value.get() + "'", "set it to true or false");
        };
    }

    private static int count(SettingSources sources, String name, int defaultValue) {
        Optional<String> value = sources.get(name);
        if (value.isEmpty() || value.get().isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.get().strip());
            if (parsed >= 0 && parsed <= 100_000) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(name + " must be a whole number from 0 to 100000, got '" + value.get() + "'", "e.g. " + name + "=12");
    }
}
