package dev.dbbackup.pipeline;

/**
 * Live counters of one backup or restore, written by the pipeline (one writer per counter) and read
 * by a progress display on another thread. Totals are -1 while unknown.
 */
public final class TransferMeter {

    private final long startNanos = System.nanoTime();
    private volatile long plainBytes;
    private volatile long storedBytes;
    private volatile long rows;
    private volatile int tables;
    private volatile String currentTable;
    private volatile long expectedPlainBytes = -1;
    private volatile long expectedStoredBytes = -1;
    private volatile long expectedRows = -1;
    private volatile int expectedTables = -1;

    public long startNanos() {
        return startNanos;
    }

    public long plainBytes() {
        return plainBytes;
    }

    public long storedBytes() {
        return storedBytes;
    }

    public long rows() {
        return rows;
    }

    public int tables() {
        return tables;
    }

    public String currentTable() {
        return currentTable;
    }

    public long expectedPlainBytes() {
        return expectedPlainBytes;
    }

    public long expectedStoredBytes() {
        return expectedStoredBytes;
    }

    public long expectedRows() {
        return expectedRows;
    }

    public int expectedTables() {
        return expectedTables;
    }

    /** Bytes of plain SQL so far (one writer). */
    public void plainBytes(long total) {
        plainBytes = total;
    }

    /** Bytes of the stored file so far (one writer). */
    public void storedBytes(long total) {
        storedBytes = total;
    }

    /** A table was written (backup) or restored; called by one thread. */
    public void tableDone(String table, long tableRows) {
        rows = rows + tableRows;
        tables = tables + 1;
        currentTable = table;
    }

    /** What the whole transfer is expected to be, from the manifest or an earlier backup; -1 = unknown. */
    public void expect(long plain, long stored, int tableCount, long rowCount) {
        expectedPlainBytes = plain;
        expectedStoredBytes = stored;
        expectedTables = tableCount;
        expectedRows = rowCount;
    }
}
