package dev.dbbackup.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import org.sqlite.SQLiteConfig;

/**
 * Compares two SQLite files completely and lists every difference in words: sqlite_schema rows (type, name,
 * tbl_name, sql), every row of every table with its rowid where it has one and the exact storage class and
 * value of each column (REAL by bits, TEXT and BLOB by bytes), user_version, application_id, page_size,
 * encoding, auto_vacuum, journal_mode, integrity_check (must be ok on both) and foreign_key_check (must be
 * identical). Virtual tables are compared through their shadow tables. sqlite_stat4 is ignored: it holds
 * planner samples that depend on how SQLite was built, and dumps do not carry it.
 */
public final class SqliteDatabaseComparator {

    private static final int MAX_DIFFERENCES_PER_TABLE = 20;

    private SqliteDatabaseComparator() {
    }

    /** Throws an AssertionError listing the differences, if there are any. */
    public static void assertSameContent(Path expected, Path actual) {
        List<String> differences = compare(expected, actual);
        if (!differences.isEmpty()) {
            int shown = Math.min(differences.size(), 60);
            throw new AssertionError(differences.size() + " difference(s) between " + expected + " and " + actual + ":\n  "
                    + String.join("\n  ", differences.subList(0, shown))
                    + (shown < differences.size() ? "\n  ..." : ""));
        }
    }

    /** Every difference between the two files, in words; empty when they hold the same database. */
    public static List<String> compare(Path expected, Path actual) {
        List<String> differences = new ArrayList<>();
        try (Connection left = open(expected); Connection right = open(actual)) {
            left.setAutoCommit(false);
            right.setAutoCommit(false);
            for (String pragma : List.of("user_version", "application_id", "page_size", "encoding", "auto_vacuum", "journal_mode")) {
                String a = single(left, "PRAGMA " + pragma);
                String b = single(right, "PRAGMA " + pragma);
                if (!Objects.equals(a, b)) {
                    differences.add("PRAGMA " + pragma + ": expected " + a + " but was " + b);
                }
            }
            for (String problem : integrityProblems(left)) {
                differences.add("integrity_check of " + expected + ": " + problem);
            }
            for (String problem : integrityProblems(right)) {
                differences.add("integrity_check of " + actual + ": " + problem);
            }
            List<String> leftFk = foreignKeyCheck(left);
            List<String> rightFk = foreignKeyCheck(right);
            if (!leftFk.equals(rightFk)) {
                differences.add("foreign_key_check: expected " + leftFk.size() + " violation(s) " + abbreviate(leftFk)
                        + " but was " + rightFk.size() + " " + abbreviate(rightFk));
            }
            Map<String, List<String>> leftSchema = schema(left);
            Map<String, List<String>> rightSchema = schema(right);
            for (Map.Entry<String, List<String>> entry : leftSchema.entrySet()) {
                List<String> other = rightSchema.get(entry.getKey());
                if (other == null) {
                    differences.add("sqlite_schema: " + entry.getKey() + " is missing");
                } else if (!other.equals(entry.getValue())) {
                    differences.add("sqlite_schema: " + entry.getKey() + " differs: expected " + entry.getValue() + " but was " + other);
                }
            }
            for (String key : rightSchema.keySet()) {
                if (!leftSchema.containsKey(key)) {
                    differences.add("sqlite_schema: " + key + " is unexpected");
                }
            }
            Map<String, String> leftTables = tablesWithRows(left);
            Map<String, String> rightTables = tablesWithRows(right);
            for (Map.Entry<String, String> table : leftTables.entrySet()) {
                if (rightTables.containsKey(table.getKey())) {
                    compareRows(left, right, table.getKey(), differences);
                }
            }
        } catch (SQLException e) {
            differences.add("cannot compare: " + e.getMessage());
        }
        return differences;
    }

    private static Connection open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private static List<String> integrityProblems(Connection connection) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("PRAGMA integrity_check")) {
            while (rows.next()) {
                if (!"ok".equals(rows.getString(1))) {
                    problems.add(rows.getString(1));
                }
            }
        }
        return problems;
    }

    private static List<String> foreignKeyCheck(Connection connection) throws SQLException {
        List<String> violations = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("PRAGMA foreign_key_check")) {
            while (rows.next()) {
                violations.add(rows.getString(1) + "/" + rows.getString(2) + "->" + rows.getString(3) + "#" + rows.getString(4));
            }
        }
        violations.sort(null);
        return violations;
    }

    private static String abbreviate(List<String> items) {
        return items.size() <= 5 ? items.toString() : items.subList(0, 5) + "...";
    }

    private static Map<String, List<String>> schema(Connection connection) throws SQLException {
        Map<String, List<String>> schema = new TreeMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT type, name, tbl_name, sql FROM sqlite_schema")) {
            while (rows.next()) {
                if (rows.getString(2).equalsIgnoreCase("sqlite_stat4")) {
                    continue;
                }
                schema.put(rows.getString(1) + " \"" + rows.getString(2) + "\"",
                        Arrays.asList(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4)));
            }
        }
        return schema;
    }

    /** Tables that hold rows themselves (not virtual tables, not sqlite_schema, not sqlite_stat4), with their table_list type. */
    private static Map<String, String> tablesWithRows(Connection connection) throws SQLException {
        Map<String, String> tables = new TreeMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main'")) {
            while (rows.next()) {
                String name = rows.getString(1);
                String type = rows.getString(2);
                String lower = name.toLowerCase(Locale.ROOT);
                if ((type.equals("table") || type.equals("shadow")) && !lower.equals("sqlite_schema") && !lower.equals("sqlite_stat4")) {
                    tables.put(name, rows.getInt(3) != 0 ? "without rowid" : "rowid");
                }
            }
        }
        return tables;
    }

    private static void compareRows(Connection left, Connection right, String table, List<String> differences) throws SQLException {
        String query = rowQuery(left, table);
        if (!query.equals(rowQuery(right, table))) {
            differences.add("table \"" + table + "\": columns differ");
            return;
        }
        int before = differences.size();
        try (Statement a = left.createStatement(); Statement b = right.createStatement();
             ResultSet leftRows = a.executeQuery(query); ResultSet rightRows = b.executeQuery(query)) {
            int columns = leftRows.getMetaData().getColumnCount();
            long row = 0;
            while (true) {
                boolean hasLeft = leftRows.next();
                boolean hasRight = rightRows.next();
                if (!hasLeft && !hasRight) {
                    break;
                }
                row++;
                if (differences.size() - before >= MAX_DIFFERENCES_PER_TABLE) {
                    differences.add("table \"" + table + "\": more differences not shown");
                    return;
                }
                if (hasLeft != hasRight) {
                    differences.add("table \"" + table + "\": " + (hasLeft ? "fewer" : "more") + " rows than expected (first extra/missing at row " + row + ")");
                    return;
                }
                for (int i = 1; i <= columns; i++) {
                    String expectedValue = describe(leftRows, i);
                    String actualValue = describe(rightRows, i);
                    if (!expectedValue.equals(actualValue) || !Arrays.equals(rawBytes(leftRows, i), rawBytes(rightRows, i))) {
                        differences.add("table \"" + table + "\" row " + row + " (" + describe(leftRows, 1) + ") column "
                                + leftRows.getMetaData().getColumnLabel(i) + ": expected " + expectedValue + " but was " + actualValue);
                    }
                }
            }
        }
    }

    /** SELECT [rowid,] every column FROM table ORDER BY rowid (or the primary key of a WITHOUT ROWID table). */
    private static String rowQuery(Connection connection, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        TreeMap<Integer, String> primaryKey = new TreeMap<>();
        Set<String> lowerNames = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT name, pk FROM pragma_table_xinfo(?, 'main') ORDER BY cid")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(quote(rows.getString(1)));
                    lowerNames.add(rows.getString(1).toLowerCase(Locale.ROOT));
                    if (rows.getInt(2) > 0) {
                        primaryKey.put(rows.getInt(2), quote(rows.getString(1)));
                    }
                }
            }
        }
        boolean withoutRowid = false;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                withoutRowid = rows.next() && rows.getInt(1) != 0;
            }
        }
        String rowid = null;
        if (!withoutRowid) {
            for (String candidate : List.of("rowid", "_rowid_", "oid")) {
                if (!lowerNames.contains(candidate)) {
                    rowid = candidate;
                    break;
                }
            }
        }
        List<String> select = new ArrayList<>();
        if (rowid != null) {
            select.add(rowid + " AS \"(rowid)\"");
        }
        select.addAll(columns);
        String order = rowid != null ? rowid : String.join(", ", primaryKey.isEmpty() ? columns : primaryKey.values());
        return "SELECT " + String.join(", ", select) + " FROM " + quote(table) + " ORDER BY " + order;
    }

    private static String describe(ResultSet rows, int column) throws SQLException {
        Object value = rows.getObject(column);
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Integer || value instanceof Long) {
            return "integer " + value;
        }
        if (value instanceof Double d) {
            return "real " + d + " (bits " + Long.toHexString(Double.doubleToRawLongBits(d)) + ")";
        }
        if (value instanceof byte[] bytes) {
            return "blob x'" + HexFormat.of().formatHex(bytes) + "'";
        }
        byte[] raw = rows.getBytes(column);
        String text = value.toString().replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0");
        return "text '" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "' (" + raw.length + " bytes"
                + (raw.length <= 32 ? " x'" + HexFormat.of().formatHex(raw) + "'" : "") + ")";
    }

    /** The bytes of a TEXT value exactly as stored; null for other storage classes, which describe() covers fully. */
    private static byte[] rawBytes(ResultSet rows, int column) throws SQLException {
        return rows.getObject(column) instanceof String ? rows.getBytes(column) : null;
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
