package dev.dbbackup.storage.local;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Writes a file and, every {@code interval} bytes, has a background thread force what was written so far to the disk,
 * so that the fsync before a backup's commit finds little left to write: the disk works while the dump goes on
 * instead of after it, and the page cache does not fill with gigabytes of dirty pages. One flush runs at a time; the
 * writer never waits for it. A failed background flush is kept and thrown by {@link #finish()}: Linux reports an
 * fsync error once, so a later fsync may succeed although the data never reached the disk.
 */
final class WriteBehind extends OutputStream {

    /** Bytes written between two background flushes. */
    static final long INTERVAL = 32L << 20;

    private final FileChannel channel;
    private final long interval;
    private final Flush flushAction;
    private long sinceFlush;
    private Thread flush;
    private int flushes;
    private volatile IOException failure;

    /** What a background flush does: {@code channel.force(false)} (fdatasync). */
    interface Flush {
        void run() throws IOException;
    }

    WriteBehind(FileChannel channel) {
        this(channel, INTERVAL, () -> channel.force(false));
    }

    WriteBehind(FileChannel channel, long interval, Flush flushAction) {
        this.channel = channel;
        this.interval = interval;
        this.flushAction = flushAction;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        sinceFlush += length;
        if (sinceFlush >= interval && (flush == null || !flush.isAlive())) {
            sinceFlush = 0;
            flushes++;
            flush = new Thread(this::flushNow, "backup-write-behind");
            flush.setDaemon(true);
            flush.start();
        }
    }

    private void flushNow() {
        try {
            flushAction.run();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    /** Waits for the flush in flight, throws what any background flush met, then forces the whole file (data and metadata). */
    void finish() throws IOException {
        if (flush != null) {
            try {
                flush.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the backup file was written to disk");
            }
        }
        IOException failed = failure;
        if (failed != null) {
            throw new IOException("writing the backup file to disk failed: " + failed.getMessage(), failed);
        }
        channel.force(true);
    }

    /** Background flushes started so far. */
    int flushes() {
        return flushes;
    }

    /** Does not close the channel: its owner does, after {@link #finish()} or to abandon the file. */
    @Override
    public void close() {
    }
}
