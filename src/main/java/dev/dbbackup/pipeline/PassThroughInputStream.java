package dev.dbbackup.pipeline;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A filter that must see every byte (to hash it, or to reach an integrity check at the end): skipping reads
 * through {@link #read(byte[], int, int)} instead of letting the stream underneath jump ahead, and there is no mark.
 */
public abstract class PassThroughInputStream extends FilterInputStream {

    protected PassThroughInputStream(InputStream in) {
        super(in);
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

    @Override
    public boolean markSupported() {
        return false;
    }
}
