package dev.dbbackup.engine.postgres;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlScriptReaderTest {

    private static SqlScriptReader reader(String script) {
        return new SqlScriptReader(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)));
    }

    /** The COPY data the reader passes on, as one string; null when the script ended before the end-of-data line. */
    private static String copyData(SqlScriptReader reader) throws Exception {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        boolean complete = reader.readCopyData(data::write);
        return complete ? data.toString(StandardCharsets.UTF_8) : null;
    }

    private static List<String> split(String script) throws IOException {
        SqlScriptReader reader = reader(script);
        List<String> out = new ArrayList<>();
        for (SqlScriptReader.Item item = reader.next(); item != null; item = reader.next()) {
            out.add((item.type() == SqlScriptReader.Type.META_COMMAND ? "META " : "") + item.text());
        }
        return out;
    }

    @Test
    void semicolonsInsideQuotesCommentsAndDollarQuotesDoNotEndAStatement() throws IOException {
        assertEquals(List.of(
                        "SELECT 'a;b', \"c;d\"",
                        "SELECT $$ x; y $$, $fn$ $$; $fn$",
                        "SELECT 1 /* a; /* nested; */ b; */ + 2",
                        "SELECT 3 -- trailing; comment\n + 4"),
                split("SELECT 'a;b', \"c;d\";\nSELECT $$ x; y $$, $fn$ $$; $fn$;\n"
                        + "SELECT 1 /* a; /* nested; */ b; */ + 2;\nSELECT 3 -- trailing; comment\n + 4;\n"));
    }

    @Test
    void escapeStringsHonourBackslashesAndPlainStringsDoNot() throws IOException {
        assertEquals(List.of("SELECT E'it\\'s; fine'", "SELECT 'back\\'", "SELECT 2"),
                split("SELECT E'it\\'s; fine'; SELECT 'back\\'; SELECT 2;"));
    }

    @Test
    void standardConformingStringsOffMakesBackslashesEscape() throws IOException {
        SqlScriptReader reader = reader("SELECT 'it\\'s; one'; SELECT 2;");
        reader.standardConformingStrings(false);
        assertEquals("SELECT 'it\\'s; one'", reader.next().text());
        assertEquals("SELECT 2", reader.next().text());
    }

    @Test
    void dollarSignsInsideIdentifiersAndParametersAreNotQuotes() throws IOException {
        assertEquals(List.of("SELECT a$b$, $1", "SELECT 2"), split("SELECT a$b$, $1; SELECT 2;"));
    }

    @Test
    void parenthesesHoldSemicolonsLikeMultiActionRules() throws IOException {
        assertEquals(List.of("CREATE RULE r AS ON UPDATE TO t DO ALSO (INSERT INTO l VALUES (1); INSERT INTO l VALUES (2))", "SELECT 1"),
                split("CREATE RULE r AS ON UPDATE TO t DO ALSO (INSERT INTO l VALUES (1); INSERT INTO l VALUES (2));\nSELECT 1;"));
    }

    @Test
    void sqlStandardFunctionBodiesKeepTheirSemicolons() throws IOException {
        String body = "CREATE OR REPLACE FUNCTION f(a integer) RETURNS integer LANGUAGE sql\nBEGIN ATOMIC\n SELECT a;\n"
                + " SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END;\nEND";
        assertEquals(List.of(body, "BEGIN", "SELECT 1", "COMMIT"), split(body + ";\nBEGIN;\nSELECT 1;\nCOMMIT;\n"));
    }

    @Test
    void metaCommandsAndCopyDataAreSeparated() throws Exception {
        SqlScriptReader reader = reader(
                "-- header one\n-- header two\n\\restrict key\nCOPY t (a) FROM stdin;\n1\tx;y\n\\N\t'\n\\.\nSELECT 1;\n");
        assertEquals("META \\restrict key", "META " + reader.next().text());
        SqlScriptReader.Item copy = reader.next();
        assertEquals("COPY t (a) FROM stdin", copy.text());
        assertEquals(4, copy.line());
        reader.skipRestOfLine();
        assertEquals("1\tx;y\n\\N\t'\n", copyData(reader));
        SqlScriptReader.Item select = reader.next();
        assertEquals("SELECT 1", select.text());
        assertEquals(8, select.line());
        assertNull(reader.next());
        assertEquals(List.of("-- header one", "-- header two"), reader.leadingComments());
    }

    @Test
    void copyDataEndsOnlyAtALineThatIsExactlyBackslashDot() throws Exception {
        SqlScriptReader reader = reader("COPY t FROM stdin;\na\\.\n\\.x\n\\.\r\nSELECT 2;\n");
        reader.next();
        reader.skipRestOfLine();
        assertEquals("a\\.\n\\.x\n", copyData(reader));
        assertEquals("SELECT 2", reader.next().text());
    }

    @Test
    void copyDataEndingTheScriptWithoutNewlineStillEnds() throws Exception {
        SqlScriptReader reader = reader("COPY t FROM stdin;\n1\n\\.");
        reader.next();
        reader.skipRestOfLine();
        assertEquals("1\n", copyData(reader));
        assertNull(reader.next());
    }

    @Test
    void copyDataCutOffBeforeItsEndIsReportedAsIncomplete() throws Exception {
        for (String script : List.of("COPY t FROM stdin;\n1\n2", "COPY t FROM stdin;\n1\n", "COPY t FROM stdin;\n1\n\\")) {
            SqlScriptReader reader = reader(script);
            reader.next();
            reader.skipRestOfLine();
            assertNull(copyData(reader), script);
        }
    }

    @Test
    void copyDataLargerThanTheBufferArrivesWholeAndInOrder() throws Exception {
        // lines longer than the read buffer, and an end line split across reads of one byte at a time
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            data.append(i).append('\t').append("x".repeat(i % 3 == 0 ? 300_000 : 17)).append('\n');
        }
        String script = "COPY t FROM stdin;\n" + data + "\\.\nSELECT 3;\n";
        assertEquals(data.toString(), copyData(skipToData(reader(script))));
        SqlScriptReader trickle = skipToData(new SqlScriptReader(new OneByteAtATime(script.getBytes(StandardCharsets.UTF_8))));
        assertEquals(data.toString(), copyData(trickle));
        SqlScriptReader.Item next = trickle.next();
        assertEquals("SELECT 3", next.text());
        assertEquals(43, next.line());
    }

    @Test
    void copyDataIsPassedOnAsBytesWithoutDecoding() throws Exception {
        byte[] script = "COPY t FROM stdin;\n\u00e9\t\uD83D\uDE00\n\\.\n".getBytes(StandardCharsets.UTF_8);
        SqlScriptReader reader = skipToData(new SqlScriptReader(new ByteArrayInputStream(script)));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        assertTrue(reader.readCopyData(data::write));
        assertArrayEquals("\u00e9\t\uD83D\uDE00\n".getBytes(StandardCharsets.UTF_8), data.toByteArray());
    }

    @Test
    void statementsKeepTheirUtf8TextAndMalformedBytesAreRefused() throws Exception {
        assertEquals(List.of("SELECT '\u00e9t\u00e9', \"na\u00efve\"", "COMMENT ON TABLE t IS $\u00e9$ \uD83D\uDE00; $\u00e9$"),
                split("SELECT '\u00e9t\u00e9', \"na\u00efve\";\nCOMMENT ON TABLE t IS $\u00e9$ \uD83D\uDE00; $\u00e9$;\n"));
        byte[] broken = {'S', 'E', 'L', 'E', 'C', 'T', ' ', '\'', (byte) 0xff, '\'', ';'};
        SqlScriptReader reader = new SqlScriptReader(new ByteArrayInputStream(broken));
        assertThrows(CharacterCodingException.class, reader::next);
    }

    private static SqlScriptReader skipToData(SqlScriptReader reader) throws IOException {
        assertFalse(reader.next().text().isEmpty());
        reader.skipRestOfLine();
        return reader;
    }

    /** A stream that returns one byte per read, as a slow pipe may. */
    private static final class OneByteAtATime extends FilterInputStream {
        OneByteAtATime(byte[] bytes) {
            super(new ByteArrayInputStream(bytes));
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(1, len));
        }
    }

    @Test
    void aStatementWithoutItsSemicolonAtTheEndIsStillReturned() throws IOException {
        assertEquals(List.of("SELECT 1"), split("SELECT 1"));
        assertEquals(List.of(), split("  -- only a comment\n"));
    }
}
