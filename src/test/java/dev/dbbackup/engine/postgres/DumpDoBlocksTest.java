package dev.dbbackup.engine.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DumpDoBlocksTest {

    private static final String INHERITED_MARKS = """
            DO $dbbackup$
            BEGIN
              IF (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER) THEN
                UPDATE pg_catalog.pg_attribute SET attislocal = false WHERE attrelid = 'public.c_star'::pg_catalog.regclass AND attname IN ('class', 'a', 'it''s');
                UPDATE pg_catalog.pg_constraint SET conislocal = false WHERE conrelid = 'public.c_star'::pg_catalog.regclass AND contype = 'n' AND conkey[1] IN (SELECT a.attnum FROM pg_catalog.pg_attribute a WHERE a.attrelid = 'public.c_star'::pg_catalog.regclass AND NOT a.attislocal);
                UPDATE pg_catalog.pg_constraint SET conislocal = false WHERE conrelid = 'public.c_star'::pg_catalog.regclass AND contype = 'c' AND conname IN ('positive');
              ELSE
                RAISE WARNING '%', 'restored by a role that is not a superuser: the columns and checks public.c_star inherits are now also its own (the column order is kept)';
              END IF;
            END
            $dbbackup$;""";

    private static final String PROPERTIES = """
            DO $dbbackup$
            DECLARE
              statement text;
            BEGIN
              FOREACH statement IN ARRAY ARRAY[
                'COMMENT ON DATABASE __dbbackup_current_database__ IS ''the app''''s data''',
                'REVOKE ALL ON DATABASE __dbbackup_current_database__ FROM PUBLIC',
                'GRANT CONNECT,TEMPORARY ON DATABASE __dbbackup_current_database__ TO "app reader" WITH GRANT OPTION',
                'ALTER DATABASE __dbbackup_current_database__ SET "search_path" TO "$user", public',
                'ALTER ROLE app IN DATABASE __dbbackup_current_database__ SET "work_mem" TO ''64MB'''
              ] LOOP
                statement := pg_catalog.replace(statement, '__dbbackup_current_database__', pg_catalog.quote_ident(pg_catalog.current_database()));
                BEGIN
                  EXECUTE statement;
                EXCEPTION WHEN insufficient_privilege THEN
                  RAISE WARNING 'not applied (%): %', SQLERRM, statement;
                END;
              END LOOP;
            END
            $dbbackup$;""";

    @Test
    void theDumpersOwnBlocksPassTheTripwire() {
        assertEquals(Optional.empty(), ForeignStatements.reason(INHERITED_MARKS));
        assertEquals(Optional.empty(), ForeignStatements.reason(PROPERTIES));
        assertEquals(Optional.empty(), ForeignStatements.reason(INHERITED_MARKS.replace(
                "    UPDATE pg_catalog.pg_constraint SET conislocal = false WHERE conrelid = 'public.c_star'::pg_catalog.regclass AND contype = 'c' AND conname IN ('positive');\n", "")));
    }

    @Test
    void aBlockThatDiffersFromThemInAnythingButLiteralsIsRefused() {
        String[] hostile = {
                PROPERTIES.replace("'REVOKE ALL ON DATABASE __dbbackup_current_database__ FROM PUBLIC'",
                        "'COPY pg_catalog.pg_class TO PROGRAM ''id'''"),
                PROPERTIES.replace("'REVOKE ALL ON DATABASE __dbbackup_current_database__ FROM PUBLIC'",
                        "'REVOKE ALL ON DATABASE __dbbackup_current_database__ FROM PUBLIC; ALTER SYSTEM SET x = 1'"),
                PROPERTIES.replace("'REVOKE ALL ON DATABASE __dbbackup_current_database__ FROM PUBLIC'",
                        "'ALTER ROLE app IN DATABASE __dbbackup_current_database__ SET work_mem TO evil()'"),
                PROPERTIES.replace("EXECUTE statement;", "EXECUTE statement; PERFORM pg_catalog.pg_reload_conf();"),
                INHERITED_MARKS.replace("'class', 'a'", "'class', 'a\\'"),
                INHERITED_MARKS.replace("attislocal = false WHERE attrelid", "attislocal = false, attname = 'x' WHERE attrelid"),
                INHERITED_MARKS.replace("ELSE", "ELSE PERFORM evil();"),
                INHERITED_MARKS + " COPY t TO PROGRAM 'id'"};
        for (String sql : hostile) {
            assertTrue(ForeignStatements.reason(sql).isPresent(), sql);
        }
    }
}
