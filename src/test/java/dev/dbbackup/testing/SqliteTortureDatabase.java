package dev.dbbackup.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds a SQLite database holding everything a faithful dump must keep and {@code sqlite3 .dump} partly loses:
 * rowid tables without INTEGER PRIMARY KEY (rowids with gaps, negative and maximal), a table whose rowid names
 * are shadowed by columns, INTEGER PRIMARY KEY DESC (not a rowid alias), WITHOUT ROWID and STRICT tables,
 * VIRTUAL and STORED generated columns, REAL values that decimal literals do not reproduce (-0.0, subnormals,
 * ±Infinity, 17-digit values), mixed storage classes in one untyped column, text with NUL, line breaks, quotes,
 * emoji and invalid UTF-8, blobs including the empty blob, NULLs, AUTOINCREMENT with sqlite_sequence ahead of
 * the data, views, triggers that would corrupt the data if they fired during a load, FTS5 and R*Tree tables
 * with content, rows that break declared foreign keys, names that need quoting, user_version and
 * application_id, a partial and an expression index, and sqlite_stat1.
 */
public final class SqliteTortureDatabase {

    /** Name of a table whose every name needs quoting. */
    public static final String ODD_TABLE = "odd \"name\" [x] `y`; ü 表";

    /** REAL values a dump must reproduce bit for bit (besides random bit patterns in table reals). */
    public static final List<Double> SPECIAL_REALS = List.of(
            -0.0, 0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL),
            Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            0.1, 1.0 / 3, 2.0 / 3, Math.PI, Math.E, 0.5, -1.25, 9.5367431640625E-7, 1e300, 1e-300, 1e22, 1e23,
            123456789012345678.0, 9007199254740993.0, 9007199254740992.0, -9.223372036854775808E18, 1.8446744073709552E19,
            // values both SQLite 3.40 and 3.46 parse one ulp off from their shortest decimal form
            -3.433786995807558E8, 6.7317069297655964E-301, 5.258953002547296E-154, -2.183444715446465E-308,
            -1.229848925492867E-308, 0.30000000000000004, 4.35, 2.675, 1.0000000000000002, 0.9999999999999999);

    private SqliteTortureDatabase() {
    }

    public static Path create(Path file) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement sql = connection.createStatement()) {
            // settings that must precede the first table
            sql.execute("PRAGMA page_size=8192");
            sql.execute("PRAGMA auto_vacuum=INCREMENTAL");
            sql.execute("PRAGMA foreign_keys=OFF");
            connection.setAutoCommit(false);
            sql.execute("PRAGMA user_version=20261126");
            sql.execute("PRAGMA application_id=-1145195344");

            sql.execute("CREATE TABLE audit(id INTEGER PRIMARY KEY, msg TEXT NOT NULL)");
            sql.execute("CREATE TABLE counters(name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID");
            sql.execute("INSERT INTO counters VALUES('inserts', 0)");

            // rowid table without INTEGER PRIMARY KEY: rowids with gaps, negative and the largest
            sql.execute("CREATE TABLE \"plain rowid\"(a, b TEXT, c REAL)");
            sql.execute("INSERT INTO \"plain rowid\"(rowid, a, b, c) VALUES(1, 'one', 'x', 1.5), (5, 'five', NULL, NULL),"
                    + " (1000, 1000, '1000', 1000), (-7, -7, 'neg', -7.25), (9223372036854775807, 'max', 'max', 0.1)");
            // every rowid name but oid shadowed by a column
            sql.execute("CREATE TABLE \"shadowed rowid\"(rowid TEXT, _rowid_ INT, x)");
            sql.execute("INSERT INTO \"shadowed rowid\"(oid, rowid, _rowid_, x) VALUES(10, 'r', 1, 'a'), (20, 'r2', 2, 'b'), (35, NULL, NULL, NULL)");
            // INTEGER PRIMARY KEY DESC is no rowid alias: rowid and id differ
            sql.execute("CREATE TABLE pk_desc(id INTEGER PRIMARY KEY DESC, v TEXT)");
            sql.execute("INSERT INTO pk_desc(id, v) VALUES(30, 'a'), (20, 'b'), (10, 'c'), (40, 'd')");
            sql.execute("DELETE FROM pk_desc WHERE id = 20");
            // a column named rowid that is the INTEGER PRIMARY KEY
            sql.execute("CREATE TABLE rowid_alias(\"rowid\" INTEGER PRIMARY KEY, v)");
            sql.execute("INSERT INTO rowid_alias VALUES(3, 'three'), (77, 'seventy-seven')");

            sql.execute("CREATE TABLE wr(k TEXT PRIMARY KEY, v ANY, n INT) WITHOUT ROWID");
            sql.execute("INSERT INTO wr VALUES('b', 2, 1), ('a', 'one', 2), ('c', x'00ff', NULL), ('', NULL, 0)");

            sql.execute("CREATE TABLE st(id INTEGER PRIMARY KEY, i INT, r REAL, t TEXT, b BLOB, a ANY) STRICT");
            sql.execute("INSERT INTO st VALUES(1, 42, 0.1, 'text', x'0102', '123'), (2, -1, -0.0, '', x'', 4.5),"
                    + " (3, NULL, NULL, NULL, NULL, x'ff'), (4, 9223372036854775807, 1e308, '3.0', NULL, 7)");

            sql.execute("CREATE TABLE gen(id INTEGER PRIMARY KEY, a INT, b INT,"
                    + " v INT GENERATED ALWAYS AS (a * b) VIRTUAL, s TEXT GENERATED ALWAYS AS (a || '-' || b) STORED, c TEXT)");
            sql.execute("INSERT INTO gen(id, a, b, c) VALUES(1, 2, 3, 'x'), (2, NULL, 5, 'y'), (3, -4, 4, NULL)");

            sql.execute("CREATE TABLE reals(id INTEGER PRIMARY KEY, x, r REAL, n NUMERIC)");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO reals(x, r, n) VALUES(?, ?, ?)")) {
                for (double value : SPECIAL_REALS) {
                    insertReal(insert, value);
                }
                Random random = new Random(20261126);
                for (int i = 0; i < 3000; i++) {
                    double value;
                    do {
                        long bits = random.nextLong();
                        if (i % 3 == 1) {
                            bits &= 0x800FFFFFFFFFFFFFL; // subnormal
                        } else if (i % 3 == 2) {
                            bits = (bits & 0x800FFFFFFFFFFFFFL) | ((long) (1023 - 40 + random.nextInt(80)) << 52);
                        }
                        value = Double.longBitsToDouble(bits);
                    } while (Double.isNaN(value));
                    insertReal(insert, value);
                }
                for (int i = 0; i < 500; i++) {
                    insertReal(insert, random.nextInt(100000) / 100.0); // prices
                }
            }

            sql.execute("CREATE TABLE mixed(id INTEGER PRIMARY KEY, v)");
            sql.execute("INSERT INTO mixed(v) VALUES(1), (1.5), ('1'), ('1.5'), (x'01'), (NULL), (' 12 '), ('0x10'),"
                    + " (9223372036854775807), (-9223372036854775808), (''), (x''), ('1e5'), (-0.0), (1e999), ('NaN')");
            sql.execute("CREATE TABLE affinity(id INTEGER PRIMARY KEY, n NUMERIC, i INTEGER, r REAL, t TEXT, b BLOB)");
            sql.execute("INSERT INTO affinity VALUES(1, 'abc', 1.5, 3, 5, '7'), (2, '12', '12a', '4.5', 6.25, 8),"
                    + " (3, 1e20, 1e20, -0.0, x'41', 1.5), (4, '0012', ' 3', 'x', NULL, NULL)");

            sql.execute("CREATE TABLE texts(id INTEGER PRIMARY KEY, t TEXT)");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO texts(t) VALUES(?)")) {
                for (String text : List.of("line1\nline2\r\nline3\r", "it's \"quoted\" [x] `y` ; -- not a comment /* nor this */",
                        "😀 👍🏽 家族 Ünïcödé", "backslash-n \\n and a real\nnewline", "\r", "\n", "", "END; CREATE TRIGGER x",
                        "x".repeat(100_000), "\t tab and \u0001 control")) {
                    insert.setString(1, text);
                    insert.executeUpdate();
                }
            }
            sql.execute("INSERT INTO texts(t) VALUES(CAST(x'610062' AS TEXT)), (CAST(x'fffe8041' AS TEXT)),"
                    + " (CAST(x'00' AS TEXT)), (CAST(x'c3' AS TEXT)), (CAST(x'eda080' AS TEXT))");

            sql.execute("CREATE TABLE blobs(id INTEGER PRIMARY KEY, b BLOB)");
            byte[] random = new byte[5000];
            new Random(7).nextBytes(random);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO blobs(b) VALUES(?)")) {
                for (byte[] blob : new byte[][] {new byte[0], new byte[1], random, "text in a blob".getBytes(java.nio.charset.StandardCharsets.UTF_8)}) {
                    insert.setBytes(1, blob);
                    insert.executeUpdate();
                }
            }
            sql.execute("INSERT INTO blobs(b) VALUES(NULL), (x'')");

            // sqlite_sequence ahead of the rows: deleted rows and a raised counter
            sql.execute("CREATE TABLE auto(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)");
            sql.execute("INSERT INTO auto(v) VALUES('a'), ('b'), ('c'), ('d'), ('e')");
            sql.execute("DELETE FROM auto WHERE id > 3");
            sql.execute("CREATE TABLE auto2(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)");
            sql.execute("INSERT INTO auto2(v) VALUES('x')");
            sql.execute("UPDATE sqlite_sequence SET seq = 1000 WHERE name = 'auto2'");

            // rows that break declared foreign keys
            sql.execute("CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT)");
            sql.execute("CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE, note TEXT)");
            sql.execute("INSERT INTO parent VALUES(1, 'p1')");
            sql.execute("INSERT INTO child VALUES(1, 1, 'ok'), (2, 999, 'orphan'), (3, NULL, 'no parent')");

            String odd = quote(ODD_TABLE);
            sql.execute("CREATE TABLE " + odd + "(\"col with space\" TEXT, \"select\" INT, \"a\"\"b\" TEXT, \"[br]\" REAL, \"ä€\" BLOB)");
            sql.execute("INSERT INTO " + odd + " VALUES('s p a c e', 1, 'q\"q', 2.5, x'aa'), (NULL, 2, NULL, NULL, NULL)");

            sql.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'porter unicode61')");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO docs(rowid, title, body) VALUES(?, ?, ?)")) {
                for (int i = 1; i <= 300; i++) {
                    insert.setInt(1, i * 3);
                    insert.setString(2, "document " + i);
                    insert.setString(3, "the quick brown fox " + i + " jumps over the lazy dog; ünïcode " + (i % 7));
                    insert.executeUpdate();
                }
            }
            sql.execute("DELETE FROM docs WHERE rowid % 9 = 0");
            sql.execute("CREATE VIRTUAL TABLE boxes USING rtree(id, min_x, max_x, min_y, max_y)");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO boxes VALUES(?, ?, ?, ?, ?)")) {
                Random boxes = new Random(3);
                for (int i = 1; i <= 400; i++) {
                    float x = boxes.nextFloat() * 1000;
                    float y = boxes.nextFloat() * 1000;
                    insert.setInt(1, i);
                    insert.setFloat(2, x);
                    insert.setFloat(3, x + 5);
                    insert.setFloat(4, y);
                    insert.setFloat(5, y + 5);
                    insert.executeUpdate();
                }
            }

            sql.execute("CREATE INDEX idx_mixed_text ON mixed(v) WHERE typeof(v) = 'text'");
            sql.execute("CREATE INDEX idx_texts_lower ON texts(lower(t), length(t))");
            sql.execute("CREATE UNIQUE INDEX \"idx odd\" ON " + odd + "(\"select\")");
            sql.execute("CREATE VIEW \"v mixed\" AS SELECT id, typeof(v) AS kind, v FROM mixed");
            sql.execute("CREATE VIEW v_kinds AS SELECT kind, count(*) AS n FROM \"v mixed\" GROUP BY kind");
            // these would corrupt the data, or stop the load, if they fired while rows are restored
            sql.execute("CREATE TRIGGER audit_plain AFTER INSERT ON \"plain rowid\" BEGIN"
                    + " INSERT INTO audit(msg) VALUES('inserted ' || new.a || '; END;');"
                    + " UPDATE counters SET n = n + 1 WHERE name = 'inserts'; END");
            sql.execute("CREATE TRIGGER texts_frozen BEFORE INSERT ON texts BEGIN SELECT RAISE(ABORT, 'texts are frozen'); END");
            sql.execute("CREATE TRIGGER auto_touch AFTER INSERT ON auto BEGIN UPDATE auto SET v = upper(v) WHERE id = new.id; END");
            sql.execute("CREATE TEMP TABLE scratch(x)"); // not part of the file
            sql.execute("INSERT INTO audit(msg) VALUES('before triggers')");
            sql.execute("ANALYZE");
            // sqlite-jdbc is built with STAT4, Debian's sqlite3 is not: a stat4 table would make the stock shell's
            // own dump of this database unloadable, and dumps do not carry stat4 anyway
            sql.execute("DROP TABLE IF EXISTS sqlite_stat4");
            connection.commit();
        }
        if (!Files.exists(file)) {
            throw new IllegalStateException("torture database was not written: " + file);
        }
        return file;
    }

    private static void insertReal(PreparedStatement insert, double value) throws SQLException {
        insert.setDouble(1, value);
        insert.setDouble(2, value);
        insert.setDouble(3, value);
        insert.executeUpdate();
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** The REAL values stored in table reals, column x, in rowid order. */
    public static List<Double> storedReals(Path file) throws SQLException {
        List<Double> values = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement sql = connection.createStatement();
             java.sql.ResultSet rows = sql.executeQuery("SELECT x FROM reals ORDER BY id")) {
            while (rows.next()) {
                values.add(rows.getDouble(1));
            }
        }
        return values;
    }
}
