package dev.dbbackup.pipeline;

import dev.dbbackup.pipeline.crypto.Decryption;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The read half of the pipeline: stored bytes → size+SHA-256 → decryptor (optional) → decompressor →
 * size+SHA-256 and last line of the plain SQL. Read {@link #plain()} to the end, then {@link #drain()}
 * (which also runs the decryptor's integrity check), then ask for the sums.
 */
public final class DumpReader implements AutoCloseable {

    private final HashingInputStream stored;
    private final InputStream decrypted;
    private IOException decryptionFailure;
    private final HashingInputStream plainHashing;
    private final LastLineTracker tracker = new LastLineTracker();
    private final InputStream plain;

    public DumpReader(InputStream storedBytes, Compression compression) throws IOException {
        this(storedBytes, compression, Decryption.NONE);
    }

    /**
     * With a decryptor, opening is deferred to the first read, so a wrong key or a damaged header surfaces from
     * {@link #drain()} and {@link #drainStored()} can still hash the whole file.
     */
    public DumpReader(InputStream storedBytes, Compression compression, Decryption decryption) throws IOException {
        this.stored = new HashingInputStream(storedBytes);
        if (decryption == Decryption.NONE) {
            this.decrypted = stored;
            this.plainHashing = new HashingInputStream(compression.decompress(stored));
        } else {
            this.decrypted = new DeferredInputStream(() -> decryption.decrypt(stored));
            this.plainHashing = new HashingInputStream(new DeferredInputStream(() -> compression.decompress(decrypted)));
        }
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
