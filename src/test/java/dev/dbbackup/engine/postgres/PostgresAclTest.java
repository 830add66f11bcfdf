package dev.dbbackup.engine.postgres;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PostgresAclTest {

    @Test
    void defaultAclNeedsNoStatements() {
        assertEquals(List.of(), PostgresAcl.statements("ON TABLE t", null, List.of("o=arwdDxt/o"), List.of("o=arwdDxt/o")));
    }

    @Test
    void grantsAndRevokesTurnTheDefaultIntoTheAcl() {
        assertEquals(List.of(
                        "REVOKE ALL ON FUNCTION f() FROM PUBLIC;",
                        "GRANT EXECUTE ON FUNCTION f() TO reader;",
                        "GRANT EXECUTE ON FUNCTION f() TO \"Odd Role\" WITH GRANT OPTION;"),
                PostgresAcl.statements("ON FUNCTION f()", null,
                        List.of("o=X/o", "reader=X/o", "\"Odd Role\"=X*/o"), List.of("=X/o", "o=X/o")));
    }

    @Test
    void changedOwnerPrivilegesAreRevokedAndGrantedBack() {
        assertEquals(List.of("REVOKE ALL ON TABLE t FROM o;", "GRANT INSERT,SELECT,UPDATE,TRUNCATE,REFERENCES,TRIGGER ON TABLE t TO o;"),
                PostgresAcl.statements("ON TABLE t", null, List.of("o=arwDxt/o"), List.of("o=arwdDxt/o")));
    }

    @Test
    void columnPrivilegesNameTheColumn() {
        assertEquals(List.of("GRANT SELECT (note),UPDATE (note) ON TABLE t TO r;"),
                PostgresAcl.statements("ON TABLE t", " (note)", List.of("r=rw/o"), List.of()));
    }

    @Test
    void defaultPrivilegesUseTheirOwnGrammar() {
        assertEquals(List.of("ALTER DEFAULT PRIVILEGES FOR ROLE o REVOKE ALL ON FUNCTIONS FROM PUBLIC;",
                        "ALTER DEFAULT PRIVILEGES FOR ROLE o GRANT EXECUTE ON FUNCTIONS TO r;"),
                PostgresAcl.defaultPrivilegeStatements("ALTER DEFAULT PRIVILEGES FOR ROLE o", "FUNCTIONS",
                        List.of("o=X/o", "r=X/o"), List.of("=X/o", "o=X/o")));
    }
}
