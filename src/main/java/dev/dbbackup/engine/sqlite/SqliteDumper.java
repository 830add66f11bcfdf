package dev.dbbackup.engine.sqlite;

import static dev.dbbackup.engine.sqlite.SqliteLiterals.quoteIdentifier;

import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpProgress;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.EngineException;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a SQLite database as a plain-SQL script that stock {@code sqlite3} and our restore both load, from
 * one read transaction so the dump is one consistent snapshot even while other processes write.
 */
final class SqliteDumper {

    private static final Pattern AUTOINCREMENT = Pattern.compile("\\bAUTOINCREMENT\\b", Pattern.CASE_INSENSITIVE);
    private static final int TYPE_INTEGER = 'i';
    private static final int TYPE_REAL = 'r';
    private static final int TYPE_TEXT = 't';
    private static final int TYPE_BLOB = 'b';

    private record SchemaObject(String type, String name, String tableName, String sql) {
    }

    private record Column(String name, String declaredType, int primaryKeyPosition, int hidden) {
    }

    private final Path file;
    private final DumpOptions options;
    private final Map<String, Long> tableRows = new LinkedHashMap<>();
    private long totalRows;
    private Charset encoding = StandardCharsets.UTF_8;

    SqliteDumper(Path file, DumpOptions options) {
        this.file = file;
        this.options = options.progress() == null
                ? new DumpOptions(options.schemas(), options.excludeSchemas(), options.excludeTableData(), options.noOwner(),
                        options.noPrivileges(), options.jobs(), DumpProgress.NONE)
                : options;
    }

    DumpResult dump(OutputStream out) throws IOException, EngineException {
        if (!Files.exists(file)) {
            throw new EngineException("SQLite database " + file + " does not exist; check the path in DATABASE_URL");
        }
        if (!Files.isRegularFile(file)) {
            throw new EngineException("SQLite database " + file + " is not a regular file; point DATABASE_URL at the database file");
        }
        try (Connection connection = SqliteCatalog.openReadOnly(file)) {
            connection.setAutoCommit(false);
            try {
                Writer writer = new CarriageReturnPreservingWriter(
                        new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16));
                String version = writeDump(connection, writer);
                writer.flush();
                return new DumpResult(version, String.valueOf(file.getFileName()), Map.copyOf(tableRows));
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw new EngineException("reading SQLite database " + file + " failed: " + e.getMessage(), e);
        }
    }

    private String writeDump(Connection connection, Writer out) throws SQLException, IOException, EngineException {
        // The first read starts the transaction's snapshot; everything below sees that same state.
        List<SchemaObject> schema = readSchema(connection);
        String version = SqliteCatalog.singleString(connection, "SELECT sqlite_version()");
        long pageSize = SqliteCatalog.singleLong(connection, "PRAGMA main.page_size");
        long autoVacuum = SqliteCatalog.singleLong(connection, "PRAGMA main.auto_vacuum");
        String encodingName = SqliteCatalog.singleString(connection, "PRAGMA main.encoding");
        long userVersion = SqliteCatalog.singleLong(connection, "PRAGMA main.user_version");
        long applicationId = SqliteCatalog.singleLong(connection, "PRAGMA main.application_id");
        String journalMode = SqliteCatalog.singleString(connection, "PRAGMA main.journal_mode");
        Map<String, SqliteCatalog.TableEntry> tables;
        try {
            tables = SqliteCatalog.tableList(connection);
        } catch (SQLException e) {
            throw new EngineException("cannot list the tables of " + file + " (" + e.getMessage()
                    + "); a virtual table may use a module this SQLite build lacks", e);
        }
        encoding = charsetOf(encodingName);

        out.write("PRAGMA foreign_keys=OFF;\n");
        out.write("-- dbbackup: SQLite dump of " + printable(String.valueOf(file.getFileName()))
                + ", read with SQLite " + version + "\n");
        // These must run before the first table exists; they are ignored by a database that already has tables.
        out.write("PRAGMA page_size=" + pageSize + ";\n");
        if (autoVacuum != 0) {
            out.write("PRAGMA auto_vacuum=" + autoVacuum + ";\n");
        }
        if (!encoding.equals(StandardCharsets.UTF_8)) {
            out.write("PRAGMA encoding='" + encodingName + "';\n");
        }
        out.write("BEGIN TRANSACTION;\n");
        out.write("PRAGMA user_version=" + userVersion + ";\n");
        out.write("PRAGMA application_id=" + applicationId + ";\n");

        boolean hasSequence = false;
        boolean hasStat1 = false;
        boolean hasStat4 = false;
        boolean anyAutoincrement = false;
        for (SchemaObject object : schema) {
            if (!object.type().equals("table")) {
                continue;
            }
            String lower = object.name().toLowerCase(Locale.ROOT);
            if (lower.equals("sqlite_sequence")) {
                hasSequence = true;
                continue;
            }
            if (lower.equals("sqlite_stat1")) {
                hasStat1 = true;
                continue;
            }
            if (lower.equals("sqlite_stat4")) {
                hasStat4 = true;
                continue;
            }
            if (lower.startsWith("sqlite_")) {
                continue;
            }
            SqliteCatalog.TableEntry entry = tables.get(object.name());
            String kind = entry == null ? "table" : entry.type();
            if (kind.equals("virtual")) {
                if (moduleAvailable(connection, object.name())) {
                    // creating it makes its shadow tables, whose rows follow as they come in sqlite_schema
                    out.write(object.sql() + ";\n");
                } else {
                    // as sqlite3 .dump does: the schema row alone, so a restore needs no module it may lack
                    out.write("PRAGMA writable_schema=ON;\n");
                    out.write("INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql) VALUES('table',"
                            + SqliteLiterals.quoteString(object.name()) + "," + SqliteLiterals.quoteString(object.tableName())
                            + ",0," + SqliteLiterals.quoteString(object.sql()) + ");\n");
                    out.write("PRAGMA writable_schema=OFF;\n");
                }
                continue;
            }
            if (kind.equals("shadow")) {
                out.write("DELETE FROM " + quoteIdentifier(object.name()) + ";\n");
            } else {
                if (object.sql() != null && AUTOINCREMENT.matcher(object.sql()).find()) {
                    anyAutoincrement = true;
                }
                out.write(object.sql() + ";\n");
            }
            dumpRows(connection, object.name(), entry != null && entry.withoutRowid(), out);
        }
        if (hasSequence && anyAutoincrement) {
            out.write("DELETE FROM sqlite_sequence;\n");
            dumpRows(connection, "sqlite_sequence", false, out);
        }
        if (hasStat1) {
            // ANALYZE of sqlite_schema only creates the statistics tables; the saved rows follow
            out.write("ANALYZE sqlite_schema;\n");
            if (!hasStat4) {
                out.write("DROP TABLE IF EXISTS sqlite_stat4;\n");
            }
            dumpRows(connection, "sqlite_stat1", false, out);
        }
        // Indexes, views and triggers come after the data: loading is faster and no trigger fires on restored rows.
        for (String type : List.of("index", "view", "trigger")) {
            for (SchemaObject object : schema) {
                if (object.type().equals(type) && object.sql() != null) {
                    out.write(object.sql() + ";\n");
                }
            }
        }
        out.write("COMMIT;\n");
        if ("wal".equalsIgnoreCase(journalMode)) {
            // persistent in the file; set after the load so the load itself does not go through a WAL
            out.write("PRAGMA journal_mode=WAL;\n");
        }
        out.write(DumpMarkers.END_OF_DUMP + " tables=" + tableRows.size() + " rows=" + totalRows + "\n");
        return version;
    }

    /** False when this SQLite lacks the virtual table's module (then its shadow tables look like plain tables). */
    private static boolean moduleAvailable(Connection connection, String virtualTable) {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT * FROM main." + quoteIdentifier(virtualTable) + " LIMIT 0")) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private List<SchemaObject> readSchema(Connection connection) throws SQLException {
        List<SchemaObject> schema = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT type, name, tbl_name, sql FROM main.sqlite_schema ORDER BY rowid")) {
            while (rows.next()) {
                schema.add(new SchemaObject(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4)));
            }
        }
        return schema;
    }

    private void dumpRows(Connection connection, String table, boolean withoutRowid, Writer out)
            throws SQLException, IOException {
        List<Column> columns = readColumns(connection, table);
        List<Column> stored = new ArrayList<>();
        for (Column column : columns) {
            if (column.hidden() == 0) {
                stored.add(column);
            }
        }
        String rowidName = withoutRowid || hasRowidAlias(connection, table, columns) ? null : freeRowidName(columns);
        if (!withoutRowid && rowidName == null && !hasRowidAlias(connection, table, columns)) {
            out.write("-- rowids of " + quoteIdentifier(table).replace('\n', ' ').replace('\r', ' ')
                    + " are not kept: columns named rowid, _rowid_ and oid hide them\n");
        }
        long rows = 0;
        if (options.excludeTableData() == null || !options.excludeTableData().contains(table)) {
            rows = writeInserts(connection, table, stored, rowidName, out);
        }
        tableRows.put(table, rows);
        totalRows += rows;
        options.progress().tableDone(table, rows);
    }

    private long writeInserts(Connection connection, String table, List<Column> stored, String rowidName, Writer out)
            throws SQLException, IOException {
        StringBuilder select = new StringBuilder("SELECT ");
        StringBuilder insert = new StringBuilder("INSERT INTO ").append(quoteIdentifier(table)).append('(');
        boolean first = true;
        if (rowidName != null) {
            select.append(rowidName);
            insert.append(rowidName);
            first = false;
        }
        for (Column column : stored) {
            String quoted = quoteIdentifier(column.name());
            if (!first) {
                select.append(", ");
                insert.append(',');
            }
            select.append(quoted).append(", unicode(typeof(").append(quoted).append("))");
            insert.append(quoted);
            first = false;
        }
        select.append(" FROM main.").append(quoteIdentifier(table));
        if (rowidName != null) {
            select.append(" ORDER BY ").append(rowidName);
        }
        insert.append(") VALUES(");
        String prefix = insert.toString();
        int firstValue = rowidName != null ? 2 : 1;
        long count = 0;
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(select.toString())) {
            while (rows.next()) {
                out.write(prefix);
                if (rowidName != null) {
                    out.write(Long.toString(rows.getLong(1)));
                }
                for (int i = 0; i < stored.size(); i++) {
                    if (i > 0 || rowidName != null) {
                        out.write(',');
                    }
                    int valueColumn = firstValue + 2 * i;
                    writeValue(rows, valueColumn, rows.getInt(valueColumn + 1), out);
                }
                out.write(");\n");
                count++;
            }
        }
        return count;
    }

    private void writeValue(ResultSet rows, int column, int type, Writer out) throws SQLException, IOException {
        switch (type) {
            case TYPE_INTEGER -> out.write(Long.toString(rows.getLong(column)));
            case TYPE_REAL -> SqliteLiterals.appendReal(out, rows.getDouble(column));
            case TYPE_TEXT -> SqliteLiterals.appendText(out, nonNull(rows.getBytes(column)), encoding);
            case TYPE_BLOB -> SqliteLiterals.appendBlob(out, nonNull(rows.getBytes(column)));
            default -> out.write("NULL");
        }
    }

    private static byte[] nonNull(byte[] bytes) {
        return bytes == null ? new byte[0] : bytes;
    }

    private static List<Column> readColumns(Connection connection, String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT name, type, pk, hidden FROM pragma_table_xinfo(?, 'main') ORDER BY cid")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(new Column(rows.getString(1), rows.getString(2), rows.getInt(3), rows.getInt(4)));
                }
            }
        }
        return columns;
    }

    /** True when one column is an alias of the rowid, so inserting that column sets the rowid. */
    private static boolean hasRowidAlias(Connection connection, String table, List<Column> columns) throws SQLException {
        Column key = null;
        for (Column column : columns) {
            if (column.primaryKeyPosition() > 0) {
                if (key != null) {
                    return false;
                }
                key = column;
            }
        }
        if (key == null || !"INTEGER".equalsIgnoreCase(key.declaredType())) {
            return false;
        }
        // "INTEGER PRIMARY KEY DESC" is not an alias: SQLite then enforces the key with an index of origin 'pk'
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT count(*) FROM pragma_index_list(?, 'main') WHERE origin = 'pk'")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1) == 0;
            }
        }
    }

    /** rowid, _rowid_ or oid: the first name no column shadows; null when a table uses all three as column names. */
    private static String freeRowidName(List<Column> columns) {
        Set<String> names = new HashSet<>();
        for (Column column : columns) {
            names.add(column.name().toLowerCase(Locale.ROOT));
        }
        for (String candidate : List.of("rowid", "_rowid_", "oid")) {
            if (!names.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static Charset charsetOf(String encodingName) {
        if (encodingName == null) {
            return StandardCharsets.UTF_8;
        }
        return switch (encodingName.toUpperCase(Locale.ROOT)) {
            case "UTF-16LE" -> StandardCharsets.UTF_16LE;
            case "UTF-16BE" -> StandardCharsets.UTF_16BE;
            default -> StandardCharsets.UTF_8;
        };
    }

    private static String printable(String text) {
        StringBuilder result = new StringBuilder(text.length());
        text.codePoints().forEach(c -> result.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return result.toString();
    }
}
