package dev.dbbackup.engine.postgres;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** --jobs reads ahead on disk only while the writer waits for rows. */
class WriterPaceTest {

    @Test
    void aWriterThatAlwaysFindsRowsReadyIsNeverReadAheadFor() {
        WriterPace pace = new WriterPace();
        assertFalse(pace.readAheadPays(), "nothing known yet: no spilling");
        for (int i = 0; i < 10_000; i++) {
            pace.looked(true);
            assertFalse(pace.readAheadPays());
        }
    }

    @Test
    void aWriterThatKeepsWaitingGetsReadAheadAndLosesItOnceItIsTheBottleneck() {
        WriterPace pace = new WriterPace();
        for (int i = 0; i < 10; i++) {
            pace.looked(false);
        }
        assertTrue(pace.readAheadPays(), "ten waits in a row: reading is the bottleneck");
        for (int i = 0; i < 200; i++) {
            pace.looked(true);
        }
        assertFalse(pace.readAheadPays(), "rows ready for a long while: the writer is the bottleneck again");
    }

    @Test
    void anOccasionalWaitAtTheStartOfATableIsNotEnough() {
        WriterPace pace = new WriterPace();
        for (int table = 0; table < 100; table++) {
            pace.looked(false);
            for (int chunk = 0; chunk < 30; chunk++) {
                pace.looked(true);
            }
            assertFalse(pace.readAheadPays(), "one wait per 31 looks, at table " + table);
        }
    }
}
