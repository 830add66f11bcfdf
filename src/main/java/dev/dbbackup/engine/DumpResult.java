package dev.dbbackup.engine;

import java.util.Map;

/**
 * What a finished dump reports: the server version, the database name (never a password) and the
 * number of rows written for each table, keyed by the table's qualified name as {@link RestoreSession#rowCounts()}
 * reports it after a restore.
 */
public record DumpResult(String serverVersion, String databaseName, Map<String, Long> tableRows) {
}
