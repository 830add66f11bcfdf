package dev.dbbackup.engine.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.engine.RestoreSession;
import dev.dbbackup.testing.SqliteShell;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteLiteralsTest {

    @TempDir
    Path dir;

    private static String real(double value) throws IOException {
        StringBuilder out = new StringBuilder();
        SqliteLiterals.appendReal(out, value);
        return out.toString();
    }

    private static String text(String value) throws IOException {
        return text(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(byte[] raw) throws IOException {
        StringBuilder out = new StringBuilder();
        SqliteLiterals.appendText(out, raw, StandardCharsets.UTF_8);
        return out.toString();
    }

    @Test
    void realsThatDecimalsHoldExactlyStayReadable() throws IOException {
        assertEquals("3.0", real(3.0));
        assertEquals("-0.0", real(-0.0));
        assertEquals("0.0", real(0.0));
        assertEquals("0.5", real(0.5));
        assertEquals("-1.25", real(-1.25));
        assertEquals("1e999", real(Double.POSITIVE_INFINITY));
        assertEquals("-1e999", real(Double.NEGATIVE_INFINITY));
        assertEquals("9007199254740991.0", real(9007199254740991.0));
    }

    @Test
    void otherRealsBecomeExactPowerOfTwoExpressions() throws IOException {
        assertEquals("CAST(3602879701896397 AS REAL)/36028797018963968", real(0.1));
        assertEquals("CAST(9007199254740994 AS REAL)", real(9007199254740994.0));
        String smallest = real(Double.MIN_VALUE);
        assertTrue(smallest.startsWith("CAST(1 AS REAL)/4611686018427387904/"), smallest);
    }

    @Test
    void realBitsRoundTripThroughOurRestoreAndStockSqlite3() throws Exception {
        List<Double> values = new ArrayList<>(List.of(-0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
                Math.nextDown(Double.MIN_NORMAL), Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 0.1, 0.2, 0.3, 1.0 / 3, 1e-320, 4.35, 2.675, 0x1p-1022, 0x1p1023, 0x1.fffffffffffffp1023,
                -3.433786995807558E8, 6.7317069297655964E-301, 5.258953002547296E-154, -2.183444715446465E-308));
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            double value;
            do {
                value = Double.longBitsToDouble(random.nextLong());
            } while (Double.isNaN(value));
            values.add(value);
            values.add(random.nextInt(1_000_000) / 100.0);
            values.add(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
        }
        Path source = dir.resolve("reals.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + source); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE r(id INTEGER PRIMARY KEY, x)");
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO r(x) VALUES(?)")) {
                for (double value : values) {
                    insert.setDouble(1, value);
                    insert.executeUpdate();
                }
            }
            connection.commit();
        }
        Path dump = dir.resolve("reals.sql");
        try (OutputStream out = Files.newOutputStream(dump)) {
            new SqliteEngine().dump(url(source), DumpOptions.defaults(), out);
        }
        Path ours = dir.resolve("ours.db");
        try (RestoreSession session = new SqliteEngine().beginRestore(url(ours), RestoreOptions.defaults());
             InputStream in = Files.newInputStream(dump)) {
            session.apply(in);
            session.commit();
        }
        Path stock = dir.resolve("stock.db");
        SqliteShell.load(stock, dump);

        assertSameBits(values, ours);
        assertSameBits(values, stock);
    }

    private static void assertSameBits(List<Double> expected, Path file) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT x, typeof(x) FROM r ORDER BY id")) {
            int i = 0;
            while (rows.next()) {
                double value = rows.getDouble(1);
                assertEquals("real", rows.getString(2), "storage class of value " + i);
                assertEquals(Long.toHexString(Double.doubleToRawLongBits(expected.get(i))), Long.toHexString(Double.doubleToRawLongBits(value)),
                        "bits of " + expected.get(i) + " restored in " + file.getFileName());
                i++;
            }
            assertEquals(expected.size(), i);
        }
    }

    @Test
    void plainTextIsAQuotedLiteral() throws IOException {
        assertEquals("'it''s'", text("it's"));
        assertEquals("'😀 家族'", text("😀 家族"));
        assertEquals("''", text(""));
    }

    @Test
    void lineBreaksStayOnOneLineThroughReplace() throws IOException {
        assertEquals("replace('a\\nb','\\n',char(10))", text("a\nb"));
        assertEquals("replace(replace('a\\r\\nb','\\r',char(13)),'\\n',char(10))", text("a\r\nb"));
    }

    @Test
    void textWithNulInvalidUtf8OrEscapeLookalikesIsWrittenAsBytes() throws IOException {
        assertEquals("CAST(x'610062' AS TEXT)", text(new byte[] {'a', 0, 'b'}));
        assertEquals("CAST(x'FF41' AS TEXT)", text(new byte[] {(byte) 0xff, 'A'}));
        assertEquals("CAST(x'5C6E0A' AS TEXT)", text("\\n\n"));
    }

    @Test
    void identifiersAreDoubleQuotedWithInnerQuotesDoubled() {
        assertEquals("\"odd \"\"name\"\" [x]\"", SqliteLiterals.quoteIdentifier("odd \"name\" [x]"));
    }

    private static DatabaseUrl url(Path file) {
        return DatabaseUrl.parse("sqlite:///" + file.toAbsolutePath());
    }
}
