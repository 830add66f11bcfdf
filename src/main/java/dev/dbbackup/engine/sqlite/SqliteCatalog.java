package dev.dbbackup.engine.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.sqlite.SQLiteConfig;

/** Reading what a SQLite database holds; shared by the dump and the restore so both count the same tables. */
final class SqliteCatalog {

    /** How long a connection waits for a lock another process holds before giving up. */
    static final int BUSY_TIMEOUT_MILLIS = 30_000;

    /** A row of PRAGMA table_list: type is table, shadow, virtual or view. */
    record TableEntry(String name, String type, boolean withoutRowid, boolean strict) {
    }

    private SqliteCatalog() {
    }

    static Connection openReadOnly(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    static Connection openReadWrite(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    /** PRAGMA table_list of the main schema, in its order, keyed by exact table name. */
    static Map<String, TableEntry> tableList(Connection connection) throws SQLException {
        Map<String, TableEntry> tables = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT name, type, wr, strict FROM pragma_table_list WHERE schema = 'main'")) {
            while (rows.next()) {
                String name = rows.getString(1);
                tables.put(name, new TableEntry(name, rows.getString(2), rows.getInt(3) != 0, rows.getInt(4) != 0));
            }
        }
        return tables;
    }

    /**
     * Tables whose rows a dump carries, and so the keys of {@code DumpResult.tableRows()} and
     * {@code RestoreSession.rowCounts()}: ordinary tables, shadow tables of virtual tables (FTS5, R*Tree),
     * sqlite_sequence and sqlite_stat1. Virtual tables (their rows live in the shadow tables), views,
     * sqlite_schema and sqlite_stat2/3/4 (planner samples that depend on how SQLite was built) are left out.
     */
    static boolean carriesRows(TableEntry table) {
        if (!table.type().equals("table") && !table.type().equals("shadow")) {
            return false;
        }
        String lower = table.name().toLowerCase(Locale.ROOT);
        if (!lower.startsWith("sqlite_")) {
            return true;
        }
        return lower.equals("sqlite_sequence") || lower.equals("sqlite_stat1");
    }

    static long count(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + SqliteLiterals.quoteIdentifier(table))) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static String singleString(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    static long singleLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }
}
