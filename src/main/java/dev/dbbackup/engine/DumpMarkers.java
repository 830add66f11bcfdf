package dev.dbbackup.engine;

import java.util.Optional;

/** The last line of every dump we write, and the end lines of other tools' dumps that we accept. */
public final class DumpMarkers {

    /** Written by every engine as the very last line of a dump. */
    public static final String END_OF_DUMP = "-- dbbackup: end of dump";

    /** Last line of a stock pg_dump plain dump. */
    public static final String PG_DUMP_END = "-- PostgreSQL database dump complete";

    private DumpMarkers() {
    }

    /**
     * Tells whether {@code lastLine} (the last non-blank line of a decompressed dump) shows the dump
     * is complete, and which tool wrote it.
     */
    public static Optional<String> recognise(String lastLine) {
        if (lastLine == null) {
            return Optional.empty();
        }
        String line = lastLine.strip();
        if (line.startsWith(END_OF_DUMP)) {
            return Optional.of("dbbackup");
        }
        if (line.equals(PG_DUMP_END)) {
            return Optional.of("pg_dump");
        }
        // sqlite3 .dump and Python's iterdump() (the old scripts) end with the COMMIT of their transaction.
        if (line.equalsIgnoreCase("COMMIT;")) {
            return Optional.of("sqlite3 .dump");
        }
        return Optional.empty();
    }
}
