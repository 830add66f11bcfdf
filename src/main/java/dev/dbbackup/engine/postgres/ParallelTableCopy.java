package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * --jobs N: worker connections that share the dump's exported snapshot copy the next tables ahead of the
 * writer, each into a bounded buffer, while the writer streams the current table into the one output in
 * dump order.
 *
 * <p>Memory is fixed whatever the number and size of the tables: a worker starts a table only when it is
 * among the next N the writer has not finished (so at most N tables hold rows), each table holds at most
 * {@value #CHUNKS_PER_TABLE} chunks of {@value #CHUNK} bytes, and chunk buffers go back to a pool once
 * written, so a long dump makes no garbage of its own: N × ~2 MiB in all.
 */
final class ParallelTableCopy implements AutoCloseable {

    private static final int CHUNK = 1 << 16;
    private static final int CHUNKS_PER_TABLE = 32;
    private static final Chunk END = new Chunk(new byte[0], 0);

    private final List<DumpObject.TableData> tables;
    private final List<Task> tasks = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Connection> workers;
    private final AtomicInteger nextTask = new AtomicInteger();
    /** Buffers written out and free for the next chunk; never more than the tables in flight can hold. */
    private final BlockingQueue<byte[]> pool;
    /** Tables before this index are written: workers stay within {@code written + workers} of it. */
    private int written;
    private volatile boolean cancelled;

    /** Rows of one table, {@code length} bytes of {@code bytes}. */
    private record Chunk(byte[] bytes, int length) {
    }

    private static final class Task {
        final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(CHUNKS_PER_TABLE);
        volatile long rows = -1;
        volatile Exception failure;
    }

    ParallelTableCopy(List<DumpObject.TableData> tables, List<Connection> workers) {
        this.tables = tables;
        this.workers = workers;
        this.pool = new ArrayBlockingQueue<>(workers.size() * (CHUNKS_PER_TABLE + 1));
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
            if (!awaitTurn(index)) {
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

    /** Waits until table {@code index} is among the next {@code workers} tables the writer has not finished. */
    private synchronized boolean awaitTurn(int index) {
        try {
            while (!cancelled && index >= written + workers.size()) {
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

    /** Writes the rows of table {@code index} (in dump order) to {@code out}; returns the row count. */
    long copy(int index, OutputStream out) throws IOException, EngineException {
        Task task = tasks.get(index);
        DumpObject.TableData table = tables.get(index);
        try {
            while (true) {
                Chunk chunk = task.chunks.poll(1, TimeUnit.SECONDS);
                if (chunk == null) {
                    continue;
                }
                if (chunk == END) {
                    break;
                }
                out.write(chunk.bytes(), 0, chunk.length());
                pool.offer(chunk.bytes());
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

    private boolean offer(Task task, Chunk chunk) {
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
        private byte[] buffer;
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
            if (!offer(task, new Chunk(buffer, used))) {
                throw new IOException("dump cancelled");
            }
            buffer = null;
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
