package dev.dbbackup.engine.postgres;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CopiedRowsTest {

    @Test
    void qualifiedCopyTargetsAreKeyedLikeTheManifest() {
        assertEquals("public.accounts", CopiedRows.tableKey("COPY public.accounts (id, email) FROM stdin"));
        assertEquals("public.accounts", CopiedRows.tableKey("copy \"public\".\"accounts\"(id) FROM STDIN"));
        assertEquals("Sales Data.Odd\"Name", CopiedRows.tableKey("COPY \"Sales Data\".\"Odd\"\"Name\" FROM stdin"));
        assertEquals("public.mixedcase", CopiedRows.tableKey("COPY Public.MixedCase\n FROM stdin"));
        assertEquals("s.t$1", CopiedRows.tableKey("COPY s.t$1 FROM stdin"));
        assertEquals("sch\u00e9ma.t\u00e4ble", CopiedRows.tableKey("COPY sch\u00e9ma.t\u00e4ble FROM stdin"));
    }

    @Test
    void targetsThatDependOnTheSearchPathOrAreNotTablesAreLeftToACount() {
        assertNull(CopiedRows.tableKey("COPY accounts FROM stdin"));
        assertNull(CopiedRows.tableKey("COPY \"accounts\" (id) FROM stdin"));
        assertNull(CopiedRows.tableKey("COPY db.public.accounts FROM stdin"));
        assertNull(CopiedRows.tableKey("COPY public . accounts FROM stdin"));
        assertNull(CopiedRows.tableKey("COPY (SELECT 1) TO stdout"));
        assertNull(CopiedRows.tableKey("COPYpublic.t FROM stdin"));
        assertNull(CopiedRows.tableKey("COPY \"unterminated.t FROM stdin"));
    }

    @Test
    void rowsOfSeveralCopiesIntoOneTableAddUp() {
        CopiedRows rows = new CopiedRows();
        rows.record("COPY public.t FROM stdin", 3);
        rows.record("COPY \"public\".\"t\" FROM stdin", 4);
        rows.record("COPY t FROM stdin", 100);
        assertEquals(7L, rows.get("public.t"));
        assertNull(rows.get("public.u"));
    }
}
