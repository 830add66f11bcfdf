package dev.dbbackup.pipeline;

import dev.dbbackup.pipeline.crypto.Decryption;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The read half of the pipeline: stored bytes → size+SHA-256 → decryptor (optional) → decompressor →
 * size+SHA-256 and last line of the plain SQL. Read {@link #plain()} to the end, then {@link #drain()}
 * (which also runs the decryptor's integrity check), then ask for the sums.
 *
 * <p>Decompression and hashing run on a thread of their own that stays at most
 * {@value #CHUNKS} × 64 KiB ahead of the reader, so a restore decompresses while the database
 * executes SQL, with bounded memory. Errors of that thread surface from {@link #plain()}'s reads.
 */
public final class DumpReader implements AutoCloseable {

    private static final int CHUNK_SIZE = 1 << 16;
    private static final int CHUNKS = 16;
    private static final long POLL_MILLIS = 100;
    private static final Chunk END = new Chunk(null, 0, null);

    private final HashingInputStream stored;
    /** The stored bytes, decrypted when the file is encrypted (opened on first read, so a wrong key surfaces from reads). */
    private final InputStream decrypted;
    private IOException decryptionFailure;
    private final Compression compression;
    /** Made by the decompressing thread, which is the only one to read it until that thread has ended. */
    private volatile HashingInputStream plainHashing;
    private final LastLineTracker tracker = new LastLineTracker();
    private final TransferMeter meter;
    private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(CHUNKS + 1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
    private final InputStream plain = new Pipe();
    private Thread decompressor;
    private ProgressDisplay.Shown shown;
    private volatile boolean stopping;
    private boolean closed;

    public DumpReader(InputStream storedBytes, Compression compression) throws IOException {
        this(storedBytes, compression, Decryption.NONE, null);
    }

    /** With a decryptor, opening is deferred to the first read, so a wrong key or a damaged header surfaces from reads. */
    public DumpReader(InputStream storedBytes, Compression compression, Decryption decryption) throws IOException {
        this(storedBytes, compression, decryption, null);
    }

    /**
     * As {@link #DumpReader(InputStream, Compression)}, for a file of {@code storedSize} bytes (-1 = unknown),
     * so a progress display can tell how far the read has come.
     */
    public DumpReader(InputStream storedBytes, Compression compression, long storedSize) throws IOException {
        this(storedBytes, compression, Decryption.NONE, meterExpecting(storedSize));
    }

    /** As {@link #DumpReader(InputStream, Compression)}, keeping {@code meter} (may be null) up to date. */
    public DumpReader(InputStream storedBytes, Compression compression, TransferMeter meter) throws IOException {
        this(storedBytes, compression, Decryption.NONE, meter);
    }

    /** With a decryptor, for a file of {@code storedSize} bytes (-1 = unknown) so a progress display can tell how far it is. */
    public DumpReader(InputStream storedBytes, Compression compression, Decryption decryption, long storedSize) throws IOException {
        this(storedBytes, compression, decryption, meterExpecting(storedSize));
    }

    /** The full form: decryptor (or {@link Decryption#NONE}) and progress meter (may be null). */
    public DumpReader(InputStream storedBytes, Compression compression, Decryption decryption, TransferMeter meter) throws IOException {
        this.stored = new HashingInputStream(storedBytes);
        this.decrypted = decryption == Decryption.NONE ? stored : new DeferredInputStream(() -> decryption.decrypt(stored));
        this.compression = compression;
        this.meter = meter == null ? new TransferMeter() : meter;
        for (int i = 0; i < CHUNKS; i++) {
            free.add(new byte[CHUNK_SIZE]);
        }
    }

    private static TransferMeter meterExpecting(long storedSize) {
        TransferMeter meter = new TransferMeter();
        meter.expect(-1, storedSize, -1, -1);
        return meter;
    }

    /** The decompressed SQL. */
    public InputStream plain() {
        return plain;
    }

    /** Reads what is left of the stored bytes (after the compressed stream ended) so the stored sums cover the whole file. */
    public void drain() throws IOException {
        byte[] buffer = new byte[1 << 16];
        while (plain.read(buffer) >= 0) {
            // keep reading
        }
        awaitDecompressor();
        if (decrypted != stored) {
            while (decrypted.read(buffer) >= 0) {
                // the rest of the decrypted data, so the integrity check at its end runs
            }
        }
        while (stored.read(buffer) >= 0) {
            // trailing bytes after the compressed stream count toward the stored checksum
        }
    }

    /** After a decompression failure: reads the rest of the stored bytes so their checksum can still be compared. */
    public void drainStored() throws IOException {
        stopDecompressor();
        byte[] buffer = new byte[1 << 16];
        if (decrypted != stored) {
            try {
                while (decrypted.read(buffer) >= 0) {
                    // the decryptor's verdict (wrong key, integrity) explains a decompression failure better
                }
            } catch (IOException e) {
                decryptionFailure = e;
            }
        }
        while (stored.read(buffer) >= 0) {
            // hash the rest
        }
    }

    /** After {@link #drainStored()}: why decryption failed, when it did. */
    public Optional<IOException> decryptionFailure() {
        return Optional.ofNullable(decryptionFailure);
    }

    public long storedBytes() {
        awaitDecompressor();
        return stored.count();
    }

    public String storedSha256() {
        awaitDecompressor();
        return stored.sha256();
    }

    public long plainBytes() {
        awaitDecompressor();
        return plainHashing == null ? 0 : plainHashing.count();
    }

    public String plainSha256() {
        awaitDecompressor();
        return plainHashing == null ? Sha256.hex(Sha256.newDigest().digest()) : plainHashing.sha256();
    }

    public String lastLine() {
        awaitDecompressor();
        return tracker.lastLine();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        stopDecompressor();
        hideProgress();
        if (plainHashing != null) {
            plainHashing.close();
        } else {
            stored.close();
        }
    }

    private synchronized void startDecompressor() {
        if (decompressor == null && !stopping) {
            shown = ProgressDisplay.current().show("reading", meter);
            decompressor = new Thread(this::decompress, "restore-decompress");
            decompressor.setDaemon(true);
            decompressor.start();
        }
    }

    private synchronized void hideProgress() {
        if (shown != null) {
            shown.close();
            shown = null;
        }
    }

    /** Body of the decompressing thread: fills free chunks with plain SQL and queues them in order. */
    private void decompress() {
        try {
            // the decompressor reads the file's header as it is made, so it is made here, off the reader's thread
            plainHashing = new HashingInputStream(compression.decompress(decrypted));
            while (!stopping) {
                byte[] buffer = take(free);
                if (buffer == null) {
                    return;
                }
                int n = readFully(buffer);
                if (n > 0) {
                    tracker.update(buffer, 0, n);
                    meter.plainBytes(plainHashing.count());
                    meter.storedBytes(stored.count());
                    put(new Chunk(buffer, n, null));
                }
                if (n < buffer.length) {
                    put(END);
                    return;
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            if (!stopping) {
                put(new Chunk(null, 0, e));
            }
        }
    }

    private int readFully(byte[] buffer) throws IOException {
        int total = 0;
        while (total < buffer.length && !stopping) {
            int n = plainHashing.read(buffer, total, buffer.length - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Waits for a free chunk; null when the reader is stopping. Polls so that no thread is ever interrupted mid-read. */
    private byte[] take(BlockingQueue<byte[]> queue) {
        try {
            while (!stopping) {
                byte[] buffer = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (buffer != null) {
                    return buffer;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private void put(Chunk chunk) {
        try {
            while (!stopping) {
                if (filled.offer(chunk, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Lets the decompressing thread finish (it has, once the reader saw the end or an error); if the SQL
     * was not read to its end, stops it instead, so the sums cover what was read.
     */
    private void awaitDecompressor() {
        Thread thread;
        synchronized (this) {
            thread = decompressor;
        }
        if (thread == null) {
            return;
        }
        if (!((Pipe) plain).ended) {
            stopDecompressor();
            return;
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while waiting for decompression"));
        }
    }

    private void stopDecompressor() {
        Thread thread;
        synchronized (this) {
            stopping = true;
            thread = decompressor;
        }
        if (thread == null) {
            return;
        }
        try {
            // it notices within one poll unless it is inside a read of the stored bytes, which returns on its own
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Chunk(byte[] data, int length, Throwable error) {
    }

    /** The reader's side of the bounded pipe. */
    private final class Pipe extends InputStream {
        private Chunk chunk;
        private int position;
        private volatile boolean ended;
        private Throwable failure;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (!nextChunk()) {
                return -1;
            }
            int n = Math.min(len, chunk.length - position);
            System.arraycopy(chunk.data, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            return chunk == null || chunk.data == null ? 0 : chunk.length - position;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = 0;
            while (skipped < n && nextChunk()) {
                int step = (int) Math.min(n - skipped, chunk.length - position);
                position += step;
                skipped += step;
            }
            return skipped;
        }

        /** Makes {@link #chunk} one with unread bytes; false at the end of the SQL. */
        private boolean nextChunk() throws IOException {
            if (closed) {
                throw new IOException("the backup reader is closed");
            }
            if (failure != null) {
                throw rethrow(failure);
            }
            if (ended) {
                return false;
            }
            if (chunk != null && position < chunk.length) {
                return true;
            }
            if (chunk != null) {
                free.add(chunk.data);
                chunk = null;
            }
            startDecompressor();
            Chunk next = takeFilled();
            if (next == END) {
                ended = true;
                hideProgress();
                return false;
            }
            if (next.error != null) {
                ended = true;
                hideProgress();
                failure = next.error;
                throw rethrow(failure);
            }
            chunk = next;
            position = 0;
            return true;
        }

        private Chunk takeFilled() throws IOException {
            try {
                while (true) {
                    Chunk next = filled.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        return next;
                    }
                    Thread thread;
                    synchronized (DumpReader.this) {
                        thread = decompressor;
                    }
                    if (stopping || thread == null || (!thread.isAlive() && filled.isEmpty())) {
                        throw new IOException("the decompression of the backup was stopped");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the backup");
            }
        }

        private IOException rethrow(Throwable error) {
            if (error instanceof IOException io) {
                return io;
            }
            if (error instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw (Error) error;
        }
    }
}
