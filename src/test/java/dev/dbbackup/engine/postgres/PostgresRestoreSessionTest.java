package dev.dbbackup.engine.postgres;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which COPY statements of a dump the restore may load frozen: only the exact shape the dumps write. */
class PostgresRestoreSessionTest {

    @Test
    void theDumpsCopyStatementsAreRecognisedWithTheirTableAsWritten() {
        assertEquals("public.t", PostgresRestoreSession.plainCopyTable("COPY public.t (id, note) FROM stdin"));
        assertEquals("public.t", PostgresRestoreSession.plainCopyTable("COPY public.t FROM stdin"));
        assertEquals("\"Sales\".\"Odd\"\"Name\"",
                PostgresRestoreSession.plainCopyTable("COPY \"Sales\".\"Odd\"\"Name\" (\"a,b\", \"(c)\", d$1) FROM stdin"));
        assertEquals("t", PostgresRestoreSession.plainCopyTable("copy t(a,b) from STDIN"));
        assertEquals("public.\"ütf\"", PostgresRestoreSession.plainCopyTable("COPY public.\"ütf\" (größe) FROM stdin"));
    }

    @Test
    void copyStatementsOfOtherShapesAreLeftAsTheyAre() {
        assertNull(PostgresRestoreSession.plainCopyTable("COPY public.t (id) FROM stdin WITH (FORMAT csv)"));
        assertNull(PostgresRestoreSession.plainCopyTable("COPY public.t (id) FROM stdin WITH (FREEZE)"));
        assertNull(PostgresRestoreSession.plainCopyTable("COPY public.t FROM stdin CSV"));
        assertNull(PostgresRestoreSession.plainCopyTable("COPY public.t FROM '/tmp/file'"));
        assertNull(PostgresRestoreSession.plainCopyTable("COPY (SELECT 1) TO stdout"));
        assertNull(PostgresRestoreSession.plainCopyTable("COPY db.public.t FROM stdin"));
        assertNull(PostgresRestoreSession.plainCopyTable("COPY public.t (id) FROM stdin -- note"));
        assertNull(PostgresRestoreSession.plainCopyTable("COPY U&\"t\" FROM stdin"));
        assertNull(PostgresRestoreSession.plainCopyTable("COPY \"\" FROM stdin"));
        assertNull(PostgresRestoreSession.plainCopyTable("COPY public.t () FROM stdin"));
    }
}
