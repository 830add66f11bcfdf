package dev.dbbackup.catalog;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file name of a backup: {@code backup_{type}_{YYYYMMDD_HHMMSS}[_N].sql.gz}, the timestamp in the
 * configured zone (UTC by default). {@code _N} separates backups made within the same second.
 */
public record BackupName(BackupType type, LocalDateTime localTime, int sequence, String suffix) {

    private static final Pattern PATTERN = Pattern.compile(
            "backup_(daily|weekly|monthly)_(\\d{8}_\\d{6})(?:_(\\d{1,4}))?(\\.sql(?:\\.gz|\\.zst)?(?:\\.gpg)?)");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    public static BackupName of(BackupType type, Instant time, ZoneId zone, int sequence, String suffix) {
        return new BackupName(type, LocalDateTime.ofInstant(time, zone).withNano(0), sequence, suffix);
    }

    /** Parses a file name (no folder); empty when it is not one of ours. */
    public static Optional<BackupName> parse(String fileName) {
        Matcher m = PATTERN.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            LocalDateTime time = LocalDateTime.parse(m.group(2), STAMP);
            int sequence = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
            return Optional.of(new BackupName(BackupType.fromWord(m.group(1)), time, sequence, m.group(4)));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    public String fileName() {
        return "backup_" + type.word() + "_" + STAMP.format(localTime) + (sequence > 0 ? "_" + sequence : "") + suffix;
    }

    /** The key in the store: {@code daily/backup_daily_….sql.gz}. */
    public String key() {
        return type.word() + "/" + fileName();
    }

    public Instant instant(ZoneId zone) {
        return localTime.atZone(zone).toInstant();
    }

    public BackupName withSequence(int next) {
        return new BackupName(type, localTime, next, suffix);
    }
}
