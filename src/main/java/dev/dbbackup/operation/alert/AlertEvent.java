package dev.dbbackup.operation.alert;

import dev.dbbackup.config.Settings;
import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.operation.BackupOperation;
import dev.dbbackup.operation.DbBackupException;
import dev.dbbackup.operation.HealthOperation;
import dev.dbbackup.operation.VerifyOperation;
import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Something an operator may want to hear about, in words every channel can show. Never holds a password:
 * messages pass through {@link DatabaseUrl#redact}.
 *
 * @param details extra facts in display order (file size, duration, attempts, age …)
 */
public record AlertEvent(Kind kind, String database, String host, Instant time, String message, String hint, String file,
                         Map<String, String> details) {

    /** What happened; the word is what BACKUP_ALERT_ON lists and what receivers see in "event". */
    public enum Kind {
        FAILURE("failure"), SUCCESS("success"), STALE("stale");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public AlertEvent {
        message = DatabaseUrl.redact(message);
        hint = DatabaseUrl.redact(hint);
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** One line for a subject, a chat message or a log: "dbbackup: backup of app FAILED on host1". */
    public String title() {
        String what = switch (kind) {
            case FAILURE -> "FAILED";
            case SUCCESS -> "succeeded";
            case STALE -> "is STALE";
        };
        return "dbbackup: backup of " + database + " " + what + " on " + host;
    }

    /** The full text of an e-mail or chat message. */
    public String text() {
        StringBuilder text = new StringBuilder(title()).append('\n').append(message).append('\n');
        if (hint != null) {
            text.append("hint: ").append(hint).append('\n');
        }
        if (file != null) {
            text.append("file: ").append(file).append('\n');
        }
        details.forEach((key, value) -> text.append(key).append(": ").append(value).append('\n'));
        text.append("time: ").append(time).append('\n');
        return text.toString();
    }

    public static AlertEvent backupFailed(Settings settings, RuntimeException failure, int attempts) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("attempts", String.valueOf(attempts));
        String hint = failure instanceof DbBackupException e ? e.hint() : "rerun with --verbose for detail";
        if (failure instanceof DbBackupException e) {
            details.put("exit_code", String.valueOf(e.exitCode().code()));
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return new AlertEvent(Kind.FAILURE, settings.name(), localHost(), settings.clock().instant(), message, hint, null, details);
    }

    public static AlertEvent backupSucceeded(Settings settings, BackupOperation.BackupReport report) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("type", report.type().word());
        details.put("bytes", String.valueOf(report.storedBytes()));
        details.put("rows", String.valueOf(report.rows()));
        details.put("duration_s", String.format(Locale.ROOT, "%.1f", report.duration().toMillis() / 1000.0));
        details.put("deleted_by_retention", String.valueOf(report.deleted().size()));
        return new AlertEvent(Kind.SUCCESS, settings.name(), localHost(), settings.clock().instant(),
                "backup of " + settings.name() + " written to " + report.path(), null, report.path(), details);
    }

    public static AlertEvent stale(Settings settings, HealthOperation.Health health) {
        Map<String, String> details = new LinkedHashMap<>();
        if (health.ageSeconds() != null) {
            details.put("age_s", String.valueOf(health.ageSeconds()));
        }
        details.put("max_age_s", String.valueOf(health.maxAgeSeconds()));
        return new AlertEvent(Kind.STALE, settings.name(), localHost(), settings.clock().instant(), health.reason(),
                "check the scheduler or cron job and the log; run 'dbbackup backup' by hand", health.newestGoodBackup(), details);
    }

    public static AlertEvent verificationFailed(Settings settings, VerifyOperation.VerificationResult result) {
        return new AlertEvent(Kind.FAILURE, settings.name(), localHost(), settings.clock().instant(),
                "verification of " + result.location() + " failed: " + result.failure().orElse("?"),
                "do not rely on this backup; run 'dbbackup verify --all' and take a new backup", result.location(), Map.of());
    }

    /** The host name receivers see; HOSTNAME first (containers), then the resolver. */
    static String localHost() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }
}
