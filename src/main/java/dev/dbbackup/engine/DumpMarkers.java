package dev.dbbackup.engine;

import java.util.Optional;
import java.util.regex.Pattern;

/** The last line of every dump we write, and the end lines of other tools' dumps that we accept. */
public final class DumpMarkers {

    /** Written by every engine as the very last line of a dump. */
    public static final String END_OF_DUMP = "-- dbbackup: end of dump";

    /** Last line of a stock pg_dump plain dump. */
    public static final String PG_DUMP_END = "-- PostgreSQL database dump complete";

    /** pg_dump 15.14, 16.10, 17.6, 18.0 and later close the file's psql restricted mode with this line after the marker. */
    private static final Pattern PG_DUMP_UNRESTRICT = Pattern.compile("\\\\unrestrict [A-Za-z0-9]+");

    private DumpMarkers() {
    }

    /**
     * Whether a (stripped) line is one pg_dump writes after its end marker: the {@code --} that closes the marker's
     * comment block, and the psql {@code unrestrict <key>} meta-command. The last line that counts is the last line before these.
     */
    public static boolean isTrailer(String line) {
        return line.equals("--") || PG_DUMP_UNRESTRICT.matcher(line).matches();
    }

    /**
     * Tells whether {@code lastLine} (the last non-blank line of a decompressed dump that is not a
     * {@linkplain #isTrailer trailer}) shows the dump
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
