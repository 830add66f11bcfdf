package dev.dbbackup.engine;

/** Receives progress from a dump as tables finish. */
public interface DumpProgress {

    DumpProgress NONE = (table, rows) -> { };

    void tableDone(String table, long rows);
}
