package dev.dbbackup.retention;

import dev.dbbackup.catalog.BackupType;
import java.time.Instant;

/**
 * One backup as the planner sees it. {@code id} is opaque to the planner (a file key);
 * {@code valid} means it has a manifest whose recorded size matches, so it may count as the last good backup.
 */
public record RetentionCandidate(String id, BackupType type, Instant createdAt, boolean valid) {
}
