package dev.dbbackup.engine.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a SQL script into statements ({@link SqlScriptSplitter}) and reads the rows of its row INSERTs
 * ({@link RowInsertParser}) on a thread of its own, ahead of SQLite executing them on the caller's thread, so
 * decoding and parsing the text overlap with the load. Hands statements over in order, in batches, with at most
 * {@value #MAX_CHARS_AHEAD} characters of statements read ahead (or one statement, however long), so memory stays
 * bounded. A failure of the reading thread surfaces from {@link #next()} after the statements read before it.
 */
final class StatementReader implements AutoCloseable {

    /** A statement, with its row when it is a row INSERT the parser read (else null). */
    record Item(SqlScriptSplitter.Statement statement, RowInsertParser.Row row) {
    }

    private static final int BATCH_ITEMS = 512;
    private static final long BATCH_CHARS = 1 << 18;
    static final long MAX_CHARS_AHEAD = 1 << 20;
    private static final long JOIN_MILLIS = 10_000;

    private record Batch(List<Item> items, long chars, Throwable failure) {
    }

    private static final Batch END = new Batch(List.of(), 0, null);

    private final Object lock = new Object();
    private final ArrayDeque<Batch> ready = new ArrayDeque<>();
    private final Thread reader;
    /** Characters in batches handed over and not yet executed; guarded by lock. */
    private long charsAhead;
    private boolean stopping;
    private Batch current = new Batch(List.of(), 0, null);
    private int nextInBatch;
    private boolean ended;

    StatementReader(InputStream sql) {
        reader = new Thread(() -> read(sql), "dbbackup-sqlite-script-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(InputStream sql) {
        try {
            SqlScriptSplitter splitter = new SqlScriptSplitter(new ByteFaithfulUtf8Reader(sql));
            RowInsertParser parser = new RowInsertParser();
            List<Item> items = new ArrayList<>();
            long chars = 0;
            SqlScriptSplitter.Statement statement;
            while ((statement = splitter.next()) != null) {
                String text = statement.sql();
                RowInsertParser.Row row = text.regionMatches(true, 0, "INSERT", 0, 6) ? parser.parse(text) : null;
                items.add(new Item(statement, row));
                chars += text.length();
                if (items.size() >= BATCH_ITEMS || chars >= BATCH_CHARS) {
                    if (!handOver(new Batch(items, chars, null))) {
                        return;
                    }
                    items = new ArrayList<>();
                    chars = 0;
                }
            }
            if (handOver(new Batch(items, chars, null))) {
                handOver(END);
            }
        } catch (Throwable e) { // handed to the loading thread, which reports it
            handOver(new Batch(List.of(), 0, e));
        }
    }

    /** Queues a batch once the characters ahead allow it; false when the reader is being stopped. */
    private boolean handOver(Batch batch) {
        synchronized (lock) {
            while (!stopping && charsAhead > 0 && charsAhead + batch.chars() > MAX_CHARS_AHEAD) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            if (stopping) {
                return false;
            }
            charsAhead += batch.chars();
            ready.add(batch);
            lock.notifyAll();
            return true;
        }
    }

    /** The next statement in script order, or null at the end of the script. */
    Item next() throws IOException {
        if (nextInBatch < current.items().size()) {
            return current.items().get(nextInBatch++);
        }
        if (ended) {
            return null;
        }
        Batch batch;
        synchronized (lock) {
            charsAhead -= current.chars(); // the previous batch has been executed
            lock.notifyAll();
            while (ready.isEmpty()) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading the dump");
                }
            }
            batch = ready.poll();
        }
        current = batch;
        nextInBatch = 0;
        if (batch.failure() != null) {
            ended = true;
            rethrow(batch.failure());
        }
        if (batch == END) {
            ended = true;
            return null;
        }
        return next();
    }

    private static void rethrow(Throwable failure) throws IOException {
        if (failure instanceof IOException e) {
            throw e;
        }
        if (failure instanceof UncheckedIOException e) {
            throw e.getCause();
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new IOException(failure);
    }

    /** Stops the reading thread (it may be mid-read of the input) and waits for it to end. */
    @Override
    public void close() {
        synchronized (lock) {
            stopping = true;
            ready.clear();
            lock.notifyAll();
        }
        if (reader.isAlive()) {
            reader.interrupt();
            try {
                reader.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
