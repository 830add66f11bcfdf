package dev.dbbackup.config;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.pipeline.Compression;
import dev.dbbackup.pipeline.crypto.EncryptionSettings;
import dev.dbbackup.retention.RetentionPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Optional;

/**
 * The validated configuration of one run. Built once at start by {@link SettingsResolver};
 * everything in it has been checked, so operations can trust it.
 *
 * @param databaseUrl the database (password already merged in from DATABASE_PASSWORD when the URL has none)
 * @param backupDir   root of the daily/weekly/monthly folders
 * @param zone        time zone of backup file names and of the type/retention calendar
 * @param clock       the clock ("now"); fixed by DBBACKUP_NOW for tests and rehearsals
 * @param compressionLevel gzip level 1..9 (BACKUP_COMPRESSION_LEVEL)
 * @param maxAge    age over which the newest good backup makes health fail (BACKUP_MAX_AGE, default 26 h)
 * @param compression compression of new backups (BACKUP_COMPRESSION, e.g. gzip:6 or zstd:3)
 * @param offsite   the offsite (S3-compatible) store and what backup does with it (BACKUP_OFFSITE_*)
 * @param encryption how backups are encrypted and which keys open them (BACKUP_ENCRYPTION_*, BACKUP_DECRYPTION_*)
 * @param name      what metrics, alerts and the size history call this database (BACKUP_NAME, default the database name)
 */
public record Settings(DatabaseUrl databaseUrl, Path backupDir, RetentionPolicy retention, ZoneId zone,
                       Clock clock, int compressionLevel, Optional<Path> logFile, Duration maxAge, Compression compression,
                       OffsiteSettings offsite, EncryptionSettings encryption, String name) {

    /** Settings with gzip at {@code compressionLevel} on every core, no offsite store and no encryption, named after the database. */
    public Settings(DatabaseUrl databaseUrl, Path backupDir, RetentionPolicy retention, ZoneId zone,
                    Clock clock, int compressionLevel, Optional<Path> logFile, Duration maxAge) {
        this(databaseUrl, backupDir, retention, zone, clock, compressionLevel, logFile, maxAge, Compression.gzip(compressionLevel),
                OffsiteSettings.none(retention), EncryptionSettings.none(), defaultName(databaseUrl));
    }

    public Settings withCompression(Compression newCompression) {
        return new Settings(databaseUrl, backupDir, retention, zone, clock, compressionLevel, logFile, maxAge, newCompression, offsite,
                encryption, name);
    }

    public Settings withOffsite(OffsiteSettings newOffsite) {
        return new Settings(databaseUrl, backupDir, retention, zone, clock, compressionLevel, logFile, maxAge, compression, newOffsite,
                encryption, name);
    }

    public Settings withEncryption(EncryptionSettings newEncryption) {
        return new Settings(databaseUrl, backupDir, retention, zone, clock, compressionLevel, logFile, maxAge, compression, offsite,
                newEncryption, name);
    }

    public Settings withName(String newName) {
        return new Settings(databaseUrl, backupDir, retention, zone, clock, compressionLevel, logFile, maxAge, compression, offsite,
                encryption, newName);
    }

    /** The database name from the URL, with characters other than letters, digits, '.', '_' and '-' replaced by '_'. */
    public static String defaultName(DatabaseUrl url) {
        return url.database().replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
