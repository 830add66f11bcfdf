package dev.dbbackup.engine.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.SqliteTortureDatabase;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bound-row fast path of the restore against SQLite itself: every row goes once through the literal statement
 * (table {@code lit}) and once through {@link RowInserter} (table {@code fast}), and the two tables must hold the
 * same storage class and the same bits or bytes in every column, or fail with the same message.
 */
class RowInserterTest {

    private static final String AFFINITIES = "(id INTEGER PRIMARY KEY, n NUMERIC, i INTEGER, r REAL, t TEXT, b BLOB, a)";

    @TempDir
    Path dir;

    private Connection connection;
    private Statement sql;
    private RowInserter inserter;
    private final RowInsertParser parser = new RowInsertParser();

    @BeforeEach
    void open() throws SQLException {
        connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("test.db"));
        // as the restore does: one statement may carry a whole large row
        org.sqlite.SQLiteConnection sqlite = connection.unwrap(org.sqlite.SQLiteConnection.class);
        sqlite.setLimit(org.sqlite.SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH, Integer.MAX_VALUE);
        sqlite.setLimit(org.sqlite.SQLiteLimits.SQLITE_LIMIT_LENGTH, Integer.MAX_VALUE);
        connection.setAutoCommit(false); // one transaction, as in a restore, and no sync per row
        sql = connection.createStatement();
        inserter = new RowInserter(connection);
    }

    @AfterEach
    void close() throws SQLException {
        inserter.close();
        sql.close();
        connection.close();
    }

    /** What the restore does with a statement: read it as a row, then insert that row. */
    private boolean insert(String statement) throws SQLException {
        RowInsertParser.Row row = parser.parse(statement);
        return row != null && inserter.insert(row);
    }

    private void createBoth(String definition) throws SQLException {
        sql.execute("CREATE TABLE lit" + definition);
        sql.execute("CREATE TABLE fast" + definition);
    }

    /** Runs {@code INSERT INTO <table><rest>} both ways; the fast path must take it. */
    private void insertBoth(String rest) throws SQLException {
        sql.execute("INSERT INTO lit" + rest);
        assertTrue(insert("INSERT INTO fast" + rest), "the fast path reads: INSERT INTO fast" + rest);
    }

    /** Every row of lit and fast, each column as storage class and exact value (REAL by bits, others by bytes). */
    private List<String> rows(String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet result = sql.executeQuery("SELECT * FROM " + table + " ORDER BY 1")) {
            int columns = result.getMetaData().getColumnCount();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= columns; i++) {
                names.add(result.getMetaData().getColumnName(i));
            }
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(names.get(i - 1)).append('=').append(exact(result, i)).append(' ');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    private static String exact(ResultSet result, int column) throws SQLException {
        Object value = result.getObject(column);
        if (value == null) {
            return "null";
        }
        if (value instanceof Double || value instanceof Float) {
            return "real:" + Long.toHexString(Double.doubleToRawLongBits(result.getDouble(column)));
        }
        if (value instanceof Integer || value instanceof Long) {
            return "integer:" + result.getLong(column);
        }
        if (value instanceof byte[] bytes) {
            return "blob:" + java.util.HexFormat.of().formatHex(bytes);
        }
        return "text:" + java.util.HexFormat.of().formatHex(result.getBytes(column));
    }

    private void assertSameRows() throws SQLException {
        List<String> literal = rows("lit");
        List<String> bound = rows("fast");
        assertEquals(literal.size(), bound.size(), "row count");
        for (int i = 0; i < literal.size(); i++) {
            assertEquals(literal.get(i), bound.get(i), "row " + (i + 1));
        }
    }

    private void insertIntoEveryAffinity(String value) throws SQLException {
        insertBoth("(n, i, r, t, b, a) VALUES(" + String.join(",", value, value, value, value, value, value) + ")");
    }

    @Test
    void everyLiteralTheDumpersWriteStoresWhatTheLiteralStatementStoresInEveryAffinity() throws SQLException {
        createBoth(AFFINITIES);
        List<String> values = List.of(
                // integers, with SQLite's own rules at the 64-bit edges
                "0", "-0", "1", "-1", "00012", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                "-9223372036854775809", "18446744073709551616", "000000000000000000000000042",
                // decimals: exact ones, stock .dump's 20 digits, exponents, infinities
                "1.0", "-0.0", "0.0", "0.5", ".5", "5.", "-1.25", "7919.0", "1e5", "1E-3", "1.5e+10", "2.5E-1", "0.1", "-0.1",
                "3.1415926535897931160", "0.10000000000000000555", "9007199254740993.0", "123456789012345678.0",
                "1e999", "-1e999", "9.0e+999", "-9.0e+999", "1e-999", "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308",
                "9.5367431640625E-7", "1.00000000000000000000000000001", "0e999", "-0e-5", "0.000e-999", ".5e1", "5.e2",
                "1e+0", "1E+309", "0000.2500", "-00012.750e-2",
                // our dumper's REAL expressions
                "CAST(9007199254740993 AS REAL)", "CAST(-3 AS REAL)*4611686018427387904*4611686018427387904",
                "CAST(3602879701896397 AS REAL)/36028797018963968", "CAST(1 AS REAL)/4611686018427387904/4611686018427387904"
                        + "/4611686018427387904/4611686018427387904/4611686018427387904/4611686018427387904/4611686018427387904"
                        + "/4611686018427387904/4611686018427387904/4611686018427387904/4611686018427387904/4611686018427387904"
                        + "/4611686018427387904/4611686018427387904/4611686018427387904/4611686018427387904/4611686018427387904/16",
                "CAST(-9223372036854775808 AS REAL)", "CAST( 5 AS REAL ) / 2",
                // text, with the forms that affinity converts
                "'text'", "''", "'it''s'", "''''", "'a;b'", "'12'", "' 12 '", "'12.0'", "'1e5'", "'0x10'", "'12a'", "'-0.0'",
                "'9223372036854775808'", "'NaN'", "'inf'", "'3.0'", "'  '", "'ü 表 😀'",
                "replace('a\\nb','\\n',char(10))", "replace(replace('a\\r\\nb\\\\n','\\r',char(13)),'\\n',char(10))",
                "REPLACE('x\\012y','\\012',CHAR(10))", "replace('empty pattern','',char(10))", "replace('12','x',char(10))",
                "CAST(x'610062' AS TEXT)", "CAST(x'c3a9' AS TEXT)", "CAST(x'' AS TEXT)", "CAST(X'3132' AS TEXT)",
                // blobs and NULL
                "x''", "x'00ff'", "X'AbCd'", "x'3132'", "NULL", "null");
        for (String value : values) {
            insertIntoEveryAffinity(value);
        }
        assertSameRows();
    }

    @Test
    void realsInEveryWrittenFormGetTheBitsSqliteGivesTheLiteral() throws SQLException, IOException {
        createBoth("(id INTEGER PRIMARY KEY, x, r REAL)");
        List<Double> reals = new ArrayList<>(SqliteTortureDatabase.SPECIAL_REALS);
        Random random = new Random(11);
        for (int i = 0; i < 1500; i++) {
            long bits = random.nextLong();
            if (i % 4 == 1) {
                bits &= 0x800FFFFFFFFFFFFFL; // subnormal
            } else if (i % 4 == 2) {
                bits = (bits & 0x800FFFFFFFFFFFFFL) | ((long) (1023 - 30 + random.nextInt(90)) << 52);
            } else if (i % 4 == 3) {
                reals.add(random.nextInt(2_000_000) / 1000.0 - 1000); // prices, mostly inexact
                continue;
            }
            double value = Double.longBitsToDouble(bits);
            if (!Double.isNaN(value)) {
                reals.add(value);
            }
        }
        for (double value : reals) {
            StringBuilder ours = new StringBuilder();
            SqliteLiterals.appendReal(ours, value);
            List<String> forms = new ArrayList<>(List.of(ours.toString()));
            if (Double.isFinite(value)) {
                forms.add(Double.toString(value)); // shortest form, which SQLite parses one ulp off for some
                forms.add(String.format(Locale.ROOT, "%.20g", value)); // stock .dump's %!.20g
                forms.add(new BigDecimal(value).toPlainString().length() < 60 ? new BigDecimal(value).toPlainString() : "0.25");
            }
            for (String form : forms) {
                insertBoth("(x, r) VALUES(" + form + "," + form + ")");
            }
        }
        assertSameRows();
    }

    @Test
    void notANumberIsWrittenAsNullAndStaysNull() throws Exception {
        createBoth("(id INTEGER PRIMARY KEY, r REAL)");
        StringBuilder nan = new StringBuilder();
        SqliteLiterals.appendReal(nan, Double.NaN);
        insertBoth("(r) VALUES(" + nan + ")");
        assertSameRows();
        assertEquals(List.of("id=integer:1 r=null "), rows("fast"));
    }

    @Test
    void strictTablesConvertAndRefuseValuesAsTheLiteralDoes() throws SQLException {
        createBoth("(id INTEGER PRIMARY KEY, i INT, r REAL, t TEXT, b BLOB, a ANY) STRICT");
        insertBoth("(i, r, t, b, a) VALUES(42, 0.1, 'text', x'0102', '123')");
        insertBoth("(i, r, t, b, a) VALUES('12', 3, 'x', x'', 4.5)");
        insertBoth("(i, r, t, b, a) VALUES(1.0, '2.5', '', NULL, CAST(1 AS REAL)/3)");
        insertBoth(" VALUES(10, 9223372036854775807, 1e308, '3.0', NULL, 7)");
        assertSameRows();
        assertSameFailure("(i) VALUES('12a')");
        assertSameFailure("(r) VALUES(x'00')");
        assertSameFailure("(b) VALUES(1)");
        assertSameFailure("(i) VALUES(1.5)");
    }

    /** The statement fails both ways with the same message, and neither table gains a row. */
    private void assertSameFailure(String rest) throws SQLException {
        String literal = failureOf(() -> sql.execute("INSERT INTO lit" + rest));
        String bound = failureOf(() -> insert("INSERT INTO fast" + rest));
        assertNotNull(literal, "the literal statement fails: " + rest);
        assertNotNull(bound, "the bound row fails too: " + rest);
        assertEquals(literal.replaceAll("\\blit\\b", "T"), bound.replaceAll("\\bfast\\b", "T"), rest);
        assertSameRows();
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    private static String failureOf(SqlAction action) {
        try {
            action.run();
            return null;
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    @Test
    void withoutRowidTablesGeneratedColumnsAndExplicitRowidsMatchTheLiteral() throws SQLException {
        createBoth("(k TEXT PRIMARY KEY, v ANY, n INT) WITHOUT ROWID");
        insertBoth(" VALUES('b', 2, 1)");
        insertBoth("(\"k\",\"v\",\"n\") VALUES('a', 'one', '2')");
        insertBoth(" VALUES('', NULL, 0)");
        insertBoth(" VALUES(12, x'00ff', 1.0)");
        assertSameRows();
        assertSameFailure(" VALUES('b', 3, 3)");
        sql.execute("DROP TABLE lit");
        sql.execute("DROP TABLE fast");
        inserter.forget();

        createBoth("(id INTEGER PRIMARY KEY, a INT, b INT, v INT GENERATED ALWAYS AS (a * b) VIRTUAL,"
                + " s TEXT GENERATED ALWAYS AS (a || '-' || b) STORED, c TEXT)");
        insertBoth("(\"id\",\"a\",\"b\",\"c\") VALUES(1,2,3,'x')");
        insertBoth("(id, a, b, c) VALUES(2, NULL, '5', 'y')");
        insertBoth(" VALUES(3, -4, 4, NULL)"); // without a list, generated columns take no value
        insertBoth("(id, a, b) VALUES(4.0, 1.5, '7')"); // a REAL 4.0 into the INTEGER PRIMARY KEY is rowid 4
        assertSameRows();
        assertSameFailure("(id, a) VALUES('x', 1)");
        sql.execute("DROP TABLE lit");
        sql.execute("DROP TABLE fast");
        inserter.forget();

        createBoth("(a, b TEXT)");
        insertBoth("(rowid,\"a\",\"b\") VALUES(-7,'x',1)");
        insertBoth("(_rowid_, a, b) VALUES(9223372036854775807, 2, 2.5)");
        insertBoth("(oid, a, b) VALUES('5', 3, x'41')");
        assertSameRows();
        assertSameFailure("(rowid, a) VALUES(-7, 'again')");
        assertEquals(rowsWithRowid("lit"), rowsWithRowid("fast"));
        assertEquals(List.of("rowid=integer:-7 a=text:78 b=text:31 ", "rowid=integer:5 a=integer:3 b=blob:41 ",
                "rowid=integer:9223372036854775807 a=integer:2 b=text:322e35 "),
                rowsWithRowid("fast"));
    }

    private List<String> rowsWithRowid(String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet result = sql.executeQuery("SELECT rowid, a, b FROM " + table + " ORDER BY rowid")) {
            while (result.next()) {
                rows.add("rowid=" + exact(result, 1) + " a=" + exact(result, 2) + " b=" + exact(result, 3) + " ");
            }
        }
        return rows;
    }

    @Test
    void quotedNamesAndTextWithQuotesLineBreaksAndSupplementaryCharactersKeepTheirBytes() throws SQLException {
        String table = "\"odd \"\"name\"\" [x] `y`; ü 表\"";
        sql.execute("CREATE TABLE " + table + "(\"col with space\" TEXT, [br ok], `a``b` BLOB, \"ä€\")");
        String text = "'line1\nline2\r\nline3 it''s \"quoted\" ; -- no comment /* nor this */ \t \u0001 😀 \uD800\uDC80 家族'";
        assertTrue(insert("INSERT INTO " + table + "(\"col with space\",[br ok],`a``b`,\"ä€\") VALUES("
                + text + ",'x',x'aa'," + text + ");"));
        assertTrue(insert("INSERT INTO " + table + " VALUES(NULL,'2',NULL,1)"));
        try (ResultSet result = sql.executeQuery("SELECT hex(\"col with space\"), typeof([br ok]), hex(\"ä€\") FROM "
                + table + " ORDER BY rowid")) {
            assertTrue(result.next());
            String expected = java.util.HexFormat.of().withUpperCase().formatHex(
                    "line1\nline2\r\nline3 it's \"quoted\" ; -- no comment /* nor this */ \t \u0001 😀 \uD800\uDC80 家族"
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(expected, result.getString(1));
            assertEquals("text", result.getString(2));
            assertEquals(expected, result.getString(3));
            assertTrue(result.next());
            assertEquals("text", result.getString(2), "'2' stays text in a TEXT column");
        }
    }

    @Test
    void hugeBlobAndTextAreBoundWhole() throws SQLException {
        createBoth("(id INTEGER PRIMARY KEY, b BLOB, t TEXT)");
        byte[] blob = new byte[12 * 1024 * 1024];
        new Random(5).nextBytes(blob);
        String hex = java.util.HexFormat.of().formatHex(blob);
        String text = "y".repeat(5_000_000) + "''" + "z".repeat(1000);
        insertBoth("(b, t) VALUES(x'" + hex + "', '" + text + "')");
        try (ResultSet result = sql.executeQuery("SELECT count(*) FROM lit JOIN fast USING(id)"
                + " WHERE lit.b = fast.b AND lit.t = fast.t AND length(fast.b) = " + blob.length + " AND length(fast.t) = 5001001")) {
            assertTrue(result.next());
            assertEquals(1, result.getInt(1));
        }
    }

    @Test
    void statementsOutsideTheRecognisedFormsAreLeftToSqliteAndChangeNothing() throws SQLException {
        sql.execute("CREATE TABLE t(a, b)");
        List<String> declined = List.of(
                "INSERT OR REPLACE INTO t VALUES(1, 2)", "REPLACE INTO t VALUES(1, 2)", "INSERT INTO t VALUES(1, 2), (3, 4)",
                "INSERT INTO t SELECT 1, 2", "INSERT INTO t DEFAULT VALUES", "INSERT INTO t VALUES(1 + 1, 2)",
                "INSERT INTO t VALUES(abs(-1), 2)", "INSERT INTO t VALUES(0x10, 2)", "INSERT INTO t VALUES(1_000, 2)",
                "INSERT INTO t VALUES(TRUE, 2)", "INSERT INTO t VALUES(1, 2) -- comment", "INSERT INTO t VALUES(1, /* c */ 2)",
                "INSERT INTO main.t VALUES(1, 2)", "INSERT INTO t VALUES('a' || 'b', 2)", "INSERT INTO t VALUES(CAST(1 AS REAL)/0, 2)",
                "INSERT INTO t VALUES(x'0', 2)", "INSERT INTO t VALUES(x'zz', 2)", "INSERT INTO t VALUES(1, 2) RETURNING a",
                "INSERT INTO t VALUES(- 1, 2)", "INSERT INTO t VALUES(+1, 2)", "INSERT INTO t VALUES('a\u0000b', 2)",
                "INSERT INTO t VALUES('raw \uDCFF byte', 2)", "INSERT INTO t VALUES(1e, 2)", "INSERT INTO t VALUES(12abc, 2)",
                "INSERT INTO t VALUES(CAST('1' AS REAL), 2)", "INSERT INTO t VALUES(CAST(x'ff' AS TEXT), 2)",
                "INSERT INTO t VALUES(CAST(x'eda080' AS TEXT), 2)", "INSERT INTO t VALUES(CAST(1 AS INTEGER), 2)",
                "INSERT INTO t VALUES(replace('a','a',char(0)), 2)", "INSERT INTO t VALUES(replace('a','a','b'), 2)",
                "INSERT INTO t VALUES(1, 2) ON CONFLICT DO NOTHING", "INSERT INTO t AS x VALUES(1, 2)", "INSERT INTO t VALUES(1, 2); SELECT 1",
                "INSERT INTO t VALUES('unterminated, 2)", "INSERT INTO sqlite_sequence VALUES('t', 5)", "INSERT INTO [t VALUES(1, 2)",
                // SQLite itself refuses these; left to it, they fail with its own message
                "INSERT INTO missing VALUES(1, 2)", "INSERT INTO t VALUES(1, 2, 3)", "INSERT INTO t(a, nope) VALUES(1, 2)");
        for (String statement : declined) {
            assertFalse(insert(statement), statement);
        }
        try (ResultSet result = sql.executeQuery("SELECT count(*) FROM t")) {
            assertTrue(result.next());
            assertEquals(0, result.getInt(1), "nothing was inserted");
        }
    }

    @Test
    void bytesCastAsTextAreLeftToSqliteInAUtf16Database() throws SQLException {
        sql.execute("PRAGMA encoding='UTF-16le'");
        createBoth("(id INTEGER PRIMARY KEY, t TEXT)");
        assertFalse(insert("INSERT INTO fast(t) VALUES(CAST(x'6100' AS TEXT))"), "bytes in the database encoding");
        insertBoth("(t) VALUES('é 😀 it''s')");
        insertBoth("(t) VALUES(replace('a\\nb','\\n',char(10)))");
        assertSameRows();
    }

    @Test
    void exactDecimalsAreOnlyThoseThatAreShortBinaryFractions() {
        assertEquals(0.5, RowInsertParser.exactValue(5, -1));
        assertEquals(7919.0, RowInsertParser.exactValue(79190, -1));
        assertTrue(Double.isNaN(RowInsertParser.exactValue(1, 22)), "beyond 10^18 SQLite's parser decides, though 1e22 is exact");
        assertTrue(Double.isNaN(RowInsertParser.exactValue(1, -1)), "0.1 is no binary fraction");
        assertTrue(Double.isNaN(RowInsertParser.exactValue(9007199254740993L, 0)), "2^53 + 1 needs 54 bits");
        assertEquals(9007199254740992.0, RowInsertParser.exactValue(9007199254740992L, 0));
        assertEquals(0x1p-27, RowInsertParser.exactValue(7450580596923828125L, -27));
        assertTrue(Double.isNaN(RowInsertParser.exactValue(1, -28)));
    }
}
