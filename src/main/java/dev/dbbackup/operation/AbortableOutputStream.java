package dev.dbbackup.operation;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;

/** Fails the next write once {@code abort} turns true, so a dump stops cleanly and its temporary file is removed. */
final class AbortableOutputStream extends FilterOutputStream {

    private final BooleanSupplier abort;

    AbortableOutputStream(OutputStream out, BooleanSupplier abort) {
        super(out);
        this.abort = abort;
    }

    @Override
    public void write(int b) throws IOException {
        check();
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        check();
        out.write(b, off, len);
    }

    private void check() throws InterruptedIOException {
        if (abort.getAsBoolean()) {
            throw new InterruptedIOException("aborted because dbbackup is stopping");
        }
    }
}
