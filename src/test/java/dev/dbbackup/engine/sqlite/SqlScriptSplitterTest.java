package dev.dbbackup.engine.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SqlScriptSplitterTest {

    private static List<SqlScriptSplitter.Statement> split(String script) throws IOException {
        SqlScriptSplitter splitter = new SqlScriptSplitter(new StringReader(script));
        List<SqlScriptSplitter.Statement> statements = new ArrayList<>();
        SqlScriptSplitter.Statement next;
        while ((next = splitter.next()) != null) {
            statements.add(next);
        }
        return statements;
    }

    private static List<String> sqlOf(String script) throws IOException {
        return split(script).stream().map(SqlScriptSplitter.Statement::sql).toList();
    }

    @Test
    void splitsAtSemicolonsAndDropsLeadingWhitespaceAndComments() throws IOException {
        assertEquals(List.of("CREATE TABLE t(a);", "INSERT INTO t VALUES(1);", "SELECT 1;"),
                sqlOf("  CREATE TABLE t(a);\n-- a comment; with a semicolon\nINSERT INTO t VALUES(1);\n/* block; */ SELECT 1;\n"));
    }

    @Test
    void semicolonsInsideQuotesDoNotEndAStatement() throws IOException {
        String script = "INSERT INTO t VALUES('a;b', 'it''s; fine');\n"
                + "SELECT \"col;umn\", [odd;name], `back;tick` FROM t;\n";
        assertEquals(List.of("INSERT INTO t VALUES('a;b', 'it''s; fine');",
                "SELECT \"col;umn\", [odd;name], `back;tick` FROM t;"), sqlOf(script));
    }

    @Test
    void commentMarkersInsideStringsAreText() throws IOException {
        assertEquals(List.of("INSERT INTO t VALUES('-- not a comment; /* nor this */');", "SELECT 2;"),
                sqlOf("INSERT INTO t VALUES('-- not a comment; /* nor this */');SELECT 2;"));
    }

    @Test
    void commentsInsideAStatementStayAndTheirSemicolonsDoNotSplit() throws IOException {
        assertEquals(List.of("SELECT 1 -- one; two\n + 1 /* ; */;"), sqlOf("SELECT 1 -- one; two\n + 1 /* ; */;"));
    }

    @Test
    void triggerBodyWithInnerSemicolonsIsOneStatement() throws IOException {
        String trigger = "CREATE TRIGGER audit AFTER INSERT ON t BEGIN\n"
                + "  INSERT INTO log VALUES('inserted; END;');\n"
                + "  UPDATE counters SET n = n + 1;\n"
                + "END;";
        assertEquals(List.of(trigger, "SELECT 1;"), sqlOf(trigger + "\nSELECT 1;"));
    }

    @Test
    void caseEndInsideATriggerBodyDoesNotEndTheTrigger() throws IOException {
        String trigger = "CREATE TRIGGER t AFTER UPDATE ON x BEGIN UPDATE x SET a = CASE WHEN new.a > 0 THEN 1 ELSE 0 END;"
                + " SELECT CASE 1 WHEN 1 THEN 'END;' END; END;";
        assertEquals(List.of(trigger, "SELECT 5;"), sqlOf(trigger + "SELECT 5;"));
    }

    @Test
    void temporaryTriggersAndExplainFollowSqliteCompleteToo() throws IOException {
        String temp = "CREATE TEMPORARY TRIGGER x BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'no'); END;";
        String explain = "EXPLAIN CREATE TRIGGER y AFTER INSERT ON t BEGIN DELETE FROM u; END;";
        String tempShort = "create temp trigger z after update on t begin select 1; select 2; end ;";
        assertEquals(List.of(temp, explain, tempShort), sqlOf(temp + "\n" + explain + "\n" + tempShort));
    }

    @Test
    void wordsThatOnlyLookLikeTriggerKeywordsDoNotOpenABody() throws IOException {
        assertEquals(List.of("CREATE TABLE trigger_log(end_time, \"trigger\");", "INSERT INTO trigger_log VALUES(1, 2);"),
                sqlOf("CREATE TABLE trigger_log(end_time, \"trigger\");INSERT INTO trigger_log VALUES(1, 2);"));
        assertEquals(List.of("CREATE VIEW v AS SELECT 1 AS trigger;", "SELECT 3;"),
                sqlOf("CREATE VIEW v AS SELECT 1 AS trigger;SELECT 3;"));
    }

    @Test
    void reportsTheLineOfTheFirstTokenOfEachStatement() throws IOException {
        List<SqlScriptSplitter.Statement> statements = split("-- header\n\nSELECT 1;\n\n  /* c\n */ SELECT\n 2;\nSELECT 'multi\nline';SELECT 4;");
        assertEquals(List.of(3, 6, 8, 9), statements.stream().map(SqlScriptSplitter.Statement::line).toList());
    }

    @Test
    void textAfterTheLastSemicolonIsReturnedAsUnterminated() throws IOException {
        List<SqlScriptSplitter.Statement> statements = split("SELECT 1;\nSELECT 2\n");
        assertEquals(2, statements.size());
        assertTrue(statements.get(0).terminated());
        assertFalse(statements.get(1).terminated());
        assertEquals("SELECT 2\n", statements.get(1).sql());
    }

    @Test
    void trailingCommentsAndEmptyStatementsYieldNothing() throws IOException {
        assertEquals(List.of("SELECT 1;"), sqlOf(";;\nSELECT 1;\n;\n-- done\n/* really */\n"));
    }

    @Test
    void unterminatedTriggerBodyIsNotCutAtItsInnerSemicolon() throws IOException {
        List<SqlScriptSplitter.Statement> statements = split("CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1;");
        assertEquals(1, statements.size());
        assertFalse(statements.get(0).terminated());
    }

    @Test
    void carriageReturnOfEachLineEndIsDroppedAsTheShellDoes() throws IOException {
        assertEquals(List.of("SELECT 'a\nb\rc\r\nd';"), sqlOf("SELECT 'a\r\nb\rc\r\r\nd';\r\n"));
    }

    @Test
    void byteOrderMarkAtTheStartIsIgnored() throws IOException {
        assertEquals(List.of("SELECT 1;"), sqlOf("\uFEFFSELECT 1;"));
    }

    @Test
    void nonAsciiIdentifiersAndBracketsWithQuotesInside() throws IOException {
        assertEquals(List.of("CREATE TABLE 表(\"a\"\"b;\", [x'y;]);", "SELECT 1;"),
                sqlOf("CREATE TABLE 表(\"a\"\"b;\", [x'y;]);SELECT 1;"));
    }
}
