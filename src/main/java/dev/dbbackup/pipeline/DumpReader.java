package dev.dbbackup.pipeline;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The read half of the pipeline: stored bytes → size+SHA-256 → decompressor → size+SHA-256 and last
 * line of the plain SQL. Read {@link #plain()} to the end, then ask for the sums.
 */
public final class DumpReader implements AutoCloseable {

    private final HashingInputStream stored;
    private final HashingInputStream plainHashing;
    private final LastLineTracker tracker = new LastLineTracker();
    private final InputStream plain;

    public DumpReader(InputStream storedBytes, Compression compression) throws IOException {
        this.stored = new HashingInputStream(storedBytes);
        this.plainHashing = new HashingInputStream(compression.decompress(stored));
        this.plain = new FilterInputStream(plainHashing) {
            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                    tracker.update((byte) b);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    tracker.update(b, off, n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                byte[] buffer = new byte[8192];
                long skipped = 0;
                while (skipped < n) {
                    int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
                    if (r < 0) {
                        break;
                    }
                    skipped += r;
                }
                return skipped;
            }
        };
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
        while (stored.read(buffer) >= 0) {
            // trailing bytes after the compressed stream count toward the stored checksum
        }
    }

    /** After a decompression failure: reads the rest of the stored bytes so their checksum can still be compared. */
    public void drainStored() throws IOException {
        byte[] buffer = new byte[1 << 16];
        while (stored.read(buffer) >= 0) {
            // hash the rest
        }
    }

    public long storedBytes() {
        return stored.count();
    }

    public String storedSha256() {
        return stored.sha256();
    }

    public long plainBytes() {
        return plainHashing.count();
    }

    public String plainSha256() {
        return plainHashing.sha256();
    }

    public String lastLine() {
        return tracker.lastLine();
    }

    @Override
    public void close() throws IOException {
        stored.close();
    }
}
