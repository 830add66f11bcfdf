package dev.dbbackup.engine.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the rows {@link RowInsertParser} reads through one prepared statement per table header
 * ({@code INSERT INTO "t"("a","b") VALUES(?,?)}), binding each row's values, instead of having SQLite compile
 * every row. A bound value and the same literal go through the same column affinity, STRICT checks and
 * constraints, so the stored row is the one the literal statement stores. The prepared statements are dropped
 * whenever any other statement runs ({@link #forget()}), so no schema change or PRAGMA ever meets one prepared
 * before it.
 */
final class RowInserter implements AutoCloseable {

    private static final int KEPT_STATEMENTS = 4;

    private final Connection connection;
    private final List<String> headers = new ArrayList<>(KEPT_STATEMENTS);
    private final List<PreparedStatement> statements = new ArrayList<>(KEPT_STATEMENTS);
    private final List<Integer> valueCounts = new ArrayList<>(KEPT_STATEMENTS);
    private PreparedStatement decimalToReal;
    private Boolean utf8;
    private long rowsInserted;

    RowInserter(Connection connection) {
        this.connection = connection;
    }

    /**
     * Inserts {@code row} (read by {@link RowInsertParser}) when SQLite prepares its header; false, having changed
     * nothing, when the statement must run as it is. A row that SQLite refuses (a constraint, a type) throws as
     * the statement itself would.
     */
    boolean insert(RowInsertParser.Row row) throws SQLException {
        Object[] values = row.values();
        for (Object value : values) {
            if (value instanceof RowInsertParser.CastText && !databaseIsUtf8()) {
                return false;
            }
        }
        PreparedStatement statement = statementFor(row.header(), values.length);
        if (statement == null) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            bind(statement, i + 1, values[i]);
        }
        statement.executeUpdate();
        rowsInserted++;
        return true;
    }

    /** Rows inserted through prepared statements so far. */
    long rowsInserted() {
        return rowsInserted;
    }

    private PreparedStatement statementFor(String header, int valueCount) {
        for (int i = 0; i < headers.size(); i++) {
            String known = headers.get(i);
            if (valueCounts.get(i) == valueCount && (known == header || known.equals(header))) {
                return statements.get(i);
            }
        }
        StringBuilder sql = new StringBuilder(header.length() + 2 * valueCount + 2).append(header).append('(');
        for (int i = 0; i < valueCount; i++) {
            sql.append(i == 0 ? "?" : ",?");
        }
        sql.append(')');
        PreparedStatement statement;
        try {
            statement = connection.prepareStatement(sql.toString());
        } catch (SQLException e) {
            return null; // e.g. no such table: the statement as written fails with SQLite's own message
        }
        if (headers.size() == KEPT_STATEMENTS) {
            closeQuietly(statements.remove(0));
            headers.remove(0);
            valueCounts.remove(0);
        }
        headers.add(header);
        statements.add(statement);
        valueCounts.add(valueCount);
        return statement;
    }

    private void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.NULL);
        } else if (value instanceof Long number) {
            statement.setLong(index, number);
        } else if (value instanceof Double number) {
            statement.setDouble(index, number);
        } else if (value instanceof String text) {
            statement.setString(index, text);
        } else if (value instanceof byte[] bytes) {
            statement.setBytes(index, bytes);
        } else if (value instanceof RowInsertParser.SqliteDecimal decimal) {
            statement.setDouble(index, sqliteReal(decimal));
        } else if (value instanceof RowInsertParser.CastText text) {
            statement.setString(index, text.text());
        } else {
            throw new IllegalStateException("unexpected value " + value.getClass());
        }
    }

    /**
     * The REAL SQLite makes of a decimal literal: CAST(text AS REAL) runs the same decimal parser (sqlite3AtoF)
     * as the literal does; the sign is applied after it, as for the literal {@code -1.5} (minus applied to 1.5).
     */
    private double sqliteReal(RowInsertParser.SqliteDecimal decimal) throws SQLException {
        if (decimalToReal == null) {
            decimalToReal = connection.prepareStatement("SELECT CAST(? AS REAL)");
        }
        decimalToReal.setString(1, decimal.literal());
        double value;
        try (ResultSet result = decimalToReal.executeQuery()) {
            result.next();
            value = result.getDouble(1);
        }
        return decimal.negative() ? -value : value;
    }

    private boolean databaseIsUtf8() {
        if (utf8 == null) {
            try {
                utf8 = "UTF-8".equalsIgnoreCase(SqliteCatalog.singleString(connection, "PRAGMA encoding"));
            } catch (SQLException e) {
                return false;
            }
        }
        return utf8;
    }

    /** Drops the prepared statements; called before any statement that is not a row insert runs. */
    void forget() {
        if (statements.isEmpty() && decimalToReal == null && utf8 == null) {
            return;
        }
        statements.forEach(RowInserter::closeQuietly);
        statements.clear();
        headers.clear();
        valueCounts.clear();
        if (decimalToReal != null) {
            closeQuietly(decimalToReal);
            decimalToReal = null;
        }
        utf8 = null;
    }

    @Override
    public void close() {
        forget();
    }

    private static void closeQuietly(PreparedStatement statement) {
        try {
            statement.close();
        } catch (SQLException ignored) {
            // a prepared statement of a load that is over either way
        }
    }
}
