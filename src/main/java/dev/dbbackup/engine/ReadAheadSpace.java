package dev.dbbackup.engine;

import java.io.IOException;

/**
 * Room outside memory where a dump may keep rows it read ahead of the writer (PostgreSQL --jobs). The operation
 * decides where it is and how large; the engine only appends to segments and reads them back once, in order.
 */
public interface ReadAheadSpace {

    /** A new, empty segment with room for a first record of {@code bytes}; null when there is none (then wait). */
    Segment open(int bytes);

    /** Why the space stopped taking rows early (a full disk, ...), or null. */
    String failure();

    /** The most bytes it held at one time. */
    long peak();

    /** The most bytes it may hold. */
    long limit();

    /** One run of rows: appended by one thread, read once in order by another, possibly while it is still being appended. */
    interface Segment extends AutoCloseable {

        /** Appends {@code length} bytes; false when the space is full or refused them (the segment is then sealed). */
        boolean append(byte[] bytes, int length);

        /** No more records; the reader ends once it has read what is there. */
        void seal();

        /**
         * Reads the next record into {@code into} (a larger array is returned when it does not fit) and sets
         * {@code length[0]}; null at the end. Waits while records may still come.
         */
        byte[] next(byte[] into, int[] length) throws IOException;

        /** Frees the segment's space. */
        @Override
        void close();
    }
}
