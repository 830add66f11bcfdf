package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * --jobs N: worker connections that share the dump's exported snapshot copy the next tables ahead of the
 * writer, each into a bounded buffer, while the writer streams the current table into the one output in
 * dump order. Memory stays bounded: at most {@value #CHUNKS_PER_TABLE} chunks per table in flight.
 */
final class ParallelTableCopy implements AutoCloseable {

    private static final int CHUNK = 1 << 16;
    private static final int CHUNKS_PER_TABLE = 64;
    private static final byte[] END = new byte[0];

    private final List<DumpObject.TableData> tables;
    private final List<Task> tasks = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Connection> workers;
    private final AtomicInteger nextTask = new AtomicInteger();
    private volatile boolean cancelled;

    private static final class Task {
        final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(CHUNKS_PER_TABLE);
        volatile long rows = -1;
        volatile Exception failure;
    }

    ParallelTableCopy(List<DumpObject.TableData> tables, List<Connection> workers) {
        this.tables = tables;
        this.workers = workers;
        for (int i = 0; i < tables.size(); i++) {
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
            Task task = tasks.get(index);
            DumpObject.TableData table = tables.get(index);
            ChunkOutput out = new ChunkOutput(task);
            try {
                long rows = connection.unwrap(PGConnection.class).getCopyAPI()
                        .copyOut(table.copyOutSql(), out);
                out.flushChunk();
                task.rows = rows;
            } catch (SQLException | IOException | RuntimeException e) {
                task.failure = e;
            }
            // The failure, if any, is set before the end mark the writer waits for.
            offer(task, END);
        }
    }

    /** Writes the rows of table {@code index} (in dump order) to {@code out}; returns the row count. */
    long copy(int index, OutputStream out) throws IOException, EngineException {
        Task task = tasks.get(index);
        DumpObject.TableData table = tables.get(index);
        try {
            while (true) {
                byte[] chunk = task.chunks.poll(1, TimeUnit.SECONDS);
                if (chunk == null) {
                    continue;
                }
                if (chunk == END) {
                    break;
                }
                out.write(chunk);
            }
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

    private boolean offer(Task task, byte[] chunk) {
        try {
            while (!cancelled) {
                if (task.chunks.offer(chunk, 200, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private final class ChunkOutput extends OutputStream {
        private final Task task;
        private byte[] buffer = new byte[CHUNK];
        private int used;

        ChunkOutput(Task task) {
            this.task = task;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
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
            if (!offer(task, Arrays.copyOf(buffer, used))) {
                throw new IOException("dump cancelled");
            }
            used = 0;
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
        for (Connection c : workers) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the dump is over either way
            }
        }
    }
}
