package dev.dbbackup.engine.postgres;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SqlTextTest {

    @Test
    void identifiersAreQuotedOnlyWhenNeeded() {
        assertEquals("film", SqlText.ident("film"));
        assertEquals("\"select\"", SqlText.ident("select"));
        assertEquals("\"Mixed Case\"", SqlText.ident("Mixed Case"));
        assertEquals("\"a\"\"b\"", SqlText.ident("a\"b"));
        assertEquals("\"期间\"", SqlText.ident("期间"));
        assertEquals("\"1st\"", SqlText.ident("1st"));
        assertEquals("public.\"user\"", SqlText.qualified("public", "user"));
    }

    @Test
    void literalsDoubleTheirQuotes() {
        assertEquals("'it''s \\ fine'", SqlText.literal("it's \\ fine"));
        assertEquals("NULL", SqlText.literal(null));
    }
}
