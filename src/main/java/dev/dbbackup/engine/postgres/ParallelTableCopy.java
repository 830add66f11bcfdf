package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.ReadAheadSpace;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * --jobs N: worker connections that share the dump's exported snapshot copy the next parts ahead of the writer,
 * while the writer streams the current part into the one output in dump order. A part is a whole table, or a
 * range of blocks of a large table ({@link TableParts}), so one large table is read over several connections too.
 *
 * <p>Memory is fixed whatever the number and size of the tables: a worker starts a part only when it is among
 * the next {@code window} the writer has not finished, each part holds at most {@value #CHUNKS_PER_PART} chunks of
 * {@value #CHUNK} bytes in memory, and chunk buffers go back to a pool once written. What a worker reads beyond
 * that goes to a {@link ReadAheadSpace} (on disk: bounded, encrypted, deleted on close) when there is one and the writer
 * has lately been waiting for rows, so it keeps reading; otherwise (no spill area, the area full, or a writer busy
 * compressing, which reading ahead cannot speed up) it waits for the writer. The part the writer is on never
 * spills: its worker hands its rows over in memory.
 */
final class ParallelTableCopy implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ParallelTableCopy.class);
    private static final int CHUNK = 1 << 16;
    private static final int CHUNKS_PER_PART = 16;
    private static final Chunk END = new Chunk(new byte[0], 0);

    /** One COPY of a table or of a block range of it; parts of a table are consecutive and in block order. */
    record Part(int table, String copySql) {
    }

    private final List<DumpObject.TableData> tables;
    private final List<Part> parts;
    private final List<Task> tasks = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Connection> workers;
    private final ReadAheadSpace spill;
    private final int window;
    private final AtomicInteger nextTask = new AtomicInteger();
    /** Buffers written out and free for the next chunk; never more than the parts in flight can hold. */
    private final BlockingQueue<byte[]> pool;
    /** Index of the first part of each table, and one past the last. */
    private final int[] firstPart;
    /** Parts before this index are written: workers stay within {@code written + window} of it. */
    private int written;
    private volatile boolean cancelled;
    private final WriterPace pace;
    /** The writer's buffer for rows read back from the spill area. */
    private byte[] spillBuffer = new byte[0];

    /** Rows of one part, {@code length} bytes of {@code bytes}. */
    private record Chunk(byte[] bytes, int length) {
    }

    private static final class Task {
        /** Chunks and spill segments, in the order of the rows. */
        final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
        final Semaphore memory = new Semaphore(CHUNKS_PER_PART);
        /** The writer is on this part: hand rows over in memory. */
        volatile boolean active;
        volatile long rows = -1;
        volatile Throwable failure;
    }

    /**
     * @param spill where workers may read ahead beyond memory, or null (then they wait for the writer)
     */
    ParallelTableCopy(List<DumpObject.TableData> tables, List<Part> parts, List<Connection> workers, ReadAheadSpace spill) {
        this(tables, parts, workers, spill, new WriterPace());
    }

    ParallelTableCopy(List<DumpObject.TableData> tables, List<Part> parts, List<Connection> workers, ReadAheadSpace spill,
                      WriterPace pace) {
        this.pace = pace;
        this.tables = tables;
        this.parts = parts;
        this.workers = workers;
        this.spill = spill;
        // With disk to spill to, workers may finish parts further ahead; memory stays window × CHUNKS_PER_PART chunks.
        this.window = spill != null ? 2 * workers.size() : workers.size();
        this.pool = new ArrayBlockingQueue<>(window * CHUNKS_PER_PART + workers.size());
        this.firstPart = new int[tables.size() + 1];
        int p = 0;
        for (int t = 0; t <= tables.size(); t++) {
            while (p < parts.size() && parts.get(p).table() < t) {
                p++;
            }
            firstPart[t] = p;
        }
        for (int i = 0; i < parts.size(); i++) {
            tasks.add(new Task());
        }
        for (int w = 0; w < workers.size(); w++) {
            Connection connection = workers.get(w);
            Thread t = new Thread(() -> work(connection), "dbbackup-copy-" + (w + 1));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void work(Connection connection) {
        while (!cancelled) {
            int index = nextTask.getAndIncrement();
            if (index >= tasks.size()) {
                return;
            }
            if (!awaitTurn(index)) {
                return;
            }
            Task task = tasks.get(index);
            PartOutput out = new PartOutput(task);
            try {
                long rows = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(parts.get(index).copySql(), out);
                out.flushChunk();
                task.rows = rows;
            } catch (Throwable e) {
                task.failure = e;
            } finally {
                out.endSegment();
                // The failure, if any, is set before the end mark the writer waits for, which always comes.
                task.items.add(END);
            }
        }
    }

    /** Waits until part {@code index} is among the next {@code window} parts the writer has not finished. */
    private synchronized boolean awaitTurn(int index) {
        try {
            while (!cancelled && index >= written + window) {
                wait(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !cancelled;
    }

    private synchronized void finished(int index) {
        written = index + 1;
        notifyAll();
    }

    /** Writes the rows of table {@code table} (in dump order) to {@code out}; returns the row count. */
    long copy(int table, OutputStream out) throws IOException, EngineException {
        long rows = 0;
        for (int p = firstPart[table]; p < firstPart[table + 1]; p++) {
            rows += copyPart(p, out);
        }
        return rows;
    }

    private long copyPart(int index, OutputStream out) throws IOException, EngineException {
        Task task = tasks.get(index);
        DumpObject.TableData table = tables.get(parts.get(index).table());
        task.active = true;
        int[] length = new int[1];
        try {
            while (true) {
                Object item = task.items.poll();
                pace.looked(item != null);
                while (item == null) {
                    item = task.items.poll(1, TimeUnit.SECONDS);
                }
                if (item == END) {
                    break;
                }
                if (item instanceof Chunk chunk) {
                    out.write(chunk.bytes(), 0, chunk.length());
                    task.memory.release();
                    pool.offer(chunk.bytes());
                } else {
                    try (ReadAheadSpace.Segment segment = (ReadAheadSpace.Segment) item) {
                        while (true) {
                            byte[] rows;
                            try {
                                rows = segment.next(spillBuffer, length);
                            } catch (IOException e) {
                                throw new EngineException("dump failed while copying the rows of table " + table.rowCountKey() + ": "
                                        + e.getMessage() + "; no backup was written, run it again", e);
                            }
                            if (rows == null) {
                                break;
                            }
                            spillBuffer = rows;
                            out.write(rows, 0, length[0]);
                        }
                    }
                }
            }
            finished(index);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("the dump was interrupted while copying the rows of table " + table.rowCountKey(), e);
        }
        if (task.failure != null) {
            String reason = task.failure instanceof SQLException sql ? PostgresErrors.describe(sql) : String.valueOf(task.failure.getMessage());
            throw new EngineException("dump failed while copying the rows of table " + table.rowCountKey() + ": " + reason
                    + "; no backup was written, run it again", task.failure);
        }
        return task.rows;
    }

    /** A worker's output for one part: chunks in memory while there is room or the writer is on it, else spill segments. */
    private final class PartOutput extends OutputStream {
        private final Task task;
        private byte[] buffer;
        private int used;
        private ReadAheadSpace.Segment segment;

        PartOutput(Task task) {
            this.task = task;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (buffer == null) {
                    byte[] free = pool.poll();
                    buffer = free != null ? free : new byte[CHUNK];
                }
                int n = Math.min(len, buffer.length - used);
                System.arraycopy(b, off, buffer, used, n);
                used += n;
                off += n;
                len -= n;
                if (used == buffer.length) {
                    flushChunk();
                }
            }
        }

        private void flushChunk() throws IOException {
            if (used == 0) {
                return;
            }
            try {
                while (true) {
                    if (cancelled) {
                        throw new IOException("dump cancelled");
                    }
                    if (!task.active && pace.readAheadPays() && spillChunk()) {
                        used = 0;
                        return;
                    }
                    if (task.memory.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                        // Rows after a segment come after all of it.
                        endSegment();
                        task.items.add(new Chunk(buffer, used));
                        buffer = null;
                        used = 0;
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("dump cancelled", e);
            }
        }

        /**
         * Puts the chunk in the current spill segment, or in a new one once this part's memory is full; false when
         * it belongs in memory or the spill area cannot take it.
         */
        private boolean spillChunk() {
            if (spill == null) {
                return false;
            }
            if (segment == null) {
                if (task.memory.availablePermits() > 0) {
                    return false;
                }
                segment = spill.open(used);
                if (segment == null) {
                    return false;
                }
                task.items.add(segment);
            }
            if (segment.append(buffer, used)) {
                return true;
            }
            endSegment();
            return false;
        }

        void endSegment() {
            if (segment != null) {
                segment.seal();
                segment = null;
            }
        }
    }

    @Override
    public void close() {
        cancelled = true;
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Task task : tasks) {
            for (Object item : task.items) {
                if (item instanceof ReadAheadSpace.Segment segment) {
                    segment.close();
                }
            }
        }
        if (spill != null) {
            if (spill.failure() != null) {
                LOG.warnf("--jobs: %s", spill.failure());
            }
            LOG.debugf("--jobs: read ahead up to %d MiB on disk (limit %d MiB)", spill.peak() >> 20, spill.limit() >> 20);
        }
        for (Connection c : workers) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the dump is over either way
            }
        }
    }
}
