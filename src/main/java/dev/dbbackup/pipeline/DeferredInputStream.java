package dev.dbbackup.pipeline;

import java.io.IOException;
import java.io.InputStream;

/** Opens its source on first use; a failure to open is remembered and thrown again on every later read. */
final class DeferredInputStream extends InputStream {

    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }

    private final Opener opener;
    private InputStream source;
    private IOException failure;

    DeferredInputStream(Opener opener) {
        this.opener = opener;
    }

    private InputStream source() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (source == null) {
            try {
                source = opener.open();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
        return source;
    }

    @Override
    public int read() throws IOException {
        return source().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return source().read(b, off, len);
    }

    @Override
    public void close() throws IOException {
        if (source != null) {
            source.close();
        }
    }
}
