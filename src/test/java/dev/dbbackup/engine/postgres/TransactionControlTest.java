package dev.dbbackup.engine.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbbackup.engine.postgres.TransactionControl.Kind;
import org.junit.jupiter.api.Test;

class TransactionControlTest {

    @Test
    void everySpellingOfCommitAndChainIsRefused() {
        for (String sql : new String[] {"COMMIT AND CHAIN", "commit and chain", "COMMIT /* x */ AND CHAIN", "COMMIT WORK AND CHAIN",
                "commit -- comment\n and\tchain", "END TRANSACTION AND CHAIN", "/* a /* nested */ comment */ COMMIT AND CHAIN",
                "ROLLBACK AND CHAIN", "ABORT WORK AND CHAIN"}) {
            assertEquals(Kind.REFUSED, TransactionControl.of(sql), sql);
        }
    }

    @Test
    void twoPhaseCommitAndSessionCharacteristicsAreRefused() {
        for (String sql : new String[] {"PREPARE TRANSACTION 'x'", "prepare/**/transaction 'x'", "COMMIT PREPARED 'x'",
                "ROLLBACK PREPARED 'x'", "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
                "set session -- c\n characteristics as transaction isolation level serializable"}) {
            assertEquals(Kind.REFUSED, TransactionControl.of(sql), sql);
        }
    }

    @Test
    void aDumpsOwnBlocksAreBoundariesWhateverTheCaseAndComments() {
        for (String sql : new String[] {"BEGIN", "begin work", "START TRANSACTION", "COMMIT", "commit /* x */", "END", "end work",
                "COMMIT AND NO CHAIN", "-- leading\nCOMMIT TRANSACTION"}) {
            assertEquals(Kind.BOUNDARY, TransactionControl.of(sql), sql);
        }
    }

    @Test
    void rollbackAndAbortAreRollbacksAndRollbackToIsASubtransaction() {
        assertEquals(Kind.ROLLBACK, TransactionControl.of("ROLLBACK"));
        assertEquals(Kind.ROLLBACK, TransactionControl.of("abort /* x */ transaction"));
        assertEquals(Kind.SUBTRANSACTION, TransactionControl.of("ROLLBACK TO SAVEPOINT s"));
        assertEquals(Kind.SUBTRANSACTION, TransactionControl.of("rollback work to s"));
        assertEquals(Kind.SUBTRANSACTION, TransactionControl.of("SAVEPOINT s"));
        assertEquals(Kind.SUBTRANSACTION, TransactionControl.of("RELEASE s"));
    }

    @Test
    void ordinaryStatementsAndLookAlikesAreNotTransactionControl() {
        for (String sql : new String[] {"SELECT 1", "PREPARE q AS SELECT 1", "\"commit\"", "START_TIME", "SET search_path = ''",
                "CREATE TABLE commit_log(id int)", "COMMİT AND CHAIN", "SET SESSION AUTHORIZATION DEFAULT"}) {
            assertEquals(Kind.NONE, TransactionControl.of(sql), sql);
        }
    }
}
