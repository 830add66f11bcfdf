package dev.dbbackup.config;

import dev.dbbackup.engine.DatabaseUrl;
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
 * @param compressionLevel gzip level 1..9
 * @param maxAge    age over which the newest good backup makes health fail (BACKUP_MAX_AGE, default 26 h)
 * @param name      what metrics, alerts and the size history call this database (BACKUP_NAME, default the database name)
 */
public record Settings(DatabaseUrl databaseUrl, Path backupDir, RetentionPolicy retention, ZoneId zone,
                       Clock clock, int compressionLevel, Optional<Path> logFile, Duration maxAge,
                       String name) {
}
