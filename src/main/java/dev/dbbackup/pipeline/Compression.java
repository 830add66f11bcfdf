package dev.dbbackup.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** How the plain SQL is compressed into the stored file. */
public record Compression(String algorithm, int level) {

    public static final String GZIP = "gzip";

    public static Compression gzip(int level) {
        return new Compression(GZIP, level);
    }

    /** The file-name suffix after ".sql". */
    public String suffix() {
        return ".gz";
    }

    public OutputStream compress(OutputStream stored) throws IOException {
        int chosen = level;
        return new GZIPOutputStream(stored, 1 << 16) {
            {
                def.setLevel(chosen);
            }
        };
    }

    public InputStream decompress(InputStream stored) throws IOException {
        return new GZIPInputStream(stored, 1 << 16);
    }

    /** The compression of a stored file, from its name. */
    public static Compression forFileName(String name) {
        if (name.endsWith(".sql.gz")) {
            return gzip(Deflater.DEFAULT_COMPRESSION);
        }
        throw new IllegalArgumentException("unknown compression for " + name + " (expected .sql.gz)");
    }

    @Override
    public String toString() {
        return algorithm + ":" + level;
    }
}
