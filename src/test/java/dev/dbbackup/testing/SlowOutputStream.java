package dev.dbbackup.testing;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * A writer slower than the database, as a compressor on few cores is: it pauses {@code pauseMillis} after every 64 KiB,
 * so that a dump lasts long enough for other sessions to commit while it runs.
 */
public final class SlowOutputStream extends FilterOutputStream {

    private final long pauseMillis;
    private long sinceLastPause;

    public SlowOutputStream(OutputStream out, long pauseMillis) {
        super(out);
        this.pauseMillis = pauseMillis;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        sinceLastPause += length;
        if (sinceLastPause >= 64 * 1024) {
            sinceLastPause = 0;
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }
    }
}
