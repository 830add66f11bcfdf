package dev.dbbackup.engine.postgres;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SqlScriptReaderTest {

    private static List<String> split(String script) throws IOException {
        SqlScriptReader reader = new SqlScriptReader(new StringReader(script));
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
        SqlScriptReader reader = new SqlScriptReader(new StringReader("SELECT 'it\\'s; one'; SELECT 2;"));
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
    void metaCommandsAndCopyDataAreSeparated() throws IOException {
        SqlScriptReader reader = new SqlScriptReader(new StringReader(
                "-- header one\n-- header two\n\\restrict key\nCOPY t (a) FROM stdin;\n1\tx;y\n\\N\t'\n\\.\nSELECT 1;\n"));
        assertEquals("META \\restrict key", "META " + reader.next().text());
        SqlScriptReader.Item copy = reader.next();
        assertEquals("COPY t (a) FROM stdin", copy.text());
        assertEquals(4, copy.line());
        reader.skipRestOfLine();
        assertEquals("1\tx;y", reader.readCopyLine());
        assertEquals("\\N\t'", reader.readCopyLine());
        assertEquals("\\.", reader.readCopyLine());
        assertEquals("SELECT 1", reader.next().text());
        assertNull(reader.next());
        assertEquals(List.of("-- header one", "-- header two"), reader.leadingComments());
    }

    @Test
    void aStatementWithoutItsSemicolonAtTheEndIsStillReturned() throws IOException {
        assertEquals(List.of("SELECT 1"), split("SELECT 1"));
        assertEquals(List.of(), split("  -- only a comment\n"));
    }
}
