package dev.dbbackup.engine.postgres;

/**
 * Whether reading ahead on disk pays: only while the writer keeps finding no rows ready, i.e. reading is the
 * bottleneck. When the writer is the bottleneck (compression on few cores) every spilled byte would only be
 * written and read once more. A moving average of the writer's last ~50 looks for rows.
 */
class WriterPace {

    private static final double WEIGHT = 0.02;
    private static final double THRESHOLD = 0.1;

    /** How often the writer lately found no rows waiting (0..1); written by the writer thread only. */
    private double starvation;
    private volatile boolean readBound;

    /** The writer looked for the next rows and found them ready, or not. */
    void looked(boolean rowsWereReady) {
        starvation = starvation * (1 - WEIGHT) + (rowsWereReady ? 0 : WEIGHT);
        readBound = starvation > THRESHOLD;
    }

    /** True while the writer waits for rows often enough that reading ahead on disk helps. */
    boolean readAheadPays() {
        return readBound;
    }

    /** Reading ahead always pays: for tests of the spilling itself. */
    static WriterPace always() {
        return new WriterPace() {
            @Override
            boolean readAheadPays() {
                return true;
            }
        };
    }
}
