package dev.dbbackup.pipeline;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

/**
 * How the plain SQL is compressed into the stored file: {@code gzip:1..9} (one standard gzip member,
 * compressed on several threads) or {@code zstd:1..19} (one standard zstd frame, libzstd's own worker
 * threads). {@code threads} 0 means one per available core.
 */
public record Compression(String algorithm, int level, int threads) {

    public static final String GZIP = "gzip";
    public static final String ZSTD = "zstd";
    /** Only for reading plain {@code .sql} files; backups are always compressed. */
    public static final String NONE = "none";

    /**
     * Level when none is given. Level 6 is gzip's own default: it keeps our files no larger than
     * {@code pg_dump | gzip} while the parallel compressor still finishes sooner (docs/performance.md).
     */
    public static final int DEFAULT_GZIP_LEVEL = 6;
    /** zstd's own default level. */
    public static final int DEFAULT_ZSTD_LEVEL = 3;
    public static final int MAX_ZSTD_LEVEL = 19;
    private static final int ZSTD_JOB_SIZE = 2 << 20;

    public Compression {
        if (threads < 0) {
            throw new IllegalArgumentException("compression threads must be 0 (all cores) or more, got " + threads);
        }
    }

    public Compression(String algorithm, int level) {
        this(algorithm, level, 0);
    }

    public static Compression gzip(int level) {
        return new Compression(GZIP, level);
    }

    public static Compression zstd(int level) {
        return new Compression(ZSTD, level);
    }

    public static Compression none() {
        return new Compression(NONE, 0);
    }

    /** The default of new backups. */
    public static Compression defaultCompression() {
        return gzip(DEFAULT_GZIP_LEVEL);
    }

    /**
     * Parses {@code gzip}, {@code gzip:N} (1..9), {@code zstd} or {@code zstd:N} (1..19).
     *
     * @throws IllegalArgumentException with a message that says what is accepted
     */
    public static Compression parse(String spec) {
        String value = spec == null ? "" : spec.strip().toLowerCase(Locale.ROOT);
        int colon = value.indexOf(':');
        String algorithm = colon < 0 ? value : value.substring(0, colon);
        String levelText = colon < 0 ? null : value.substring(colon + 1).strip();
        int max;
        int defaultLevel;
        switch (algorithm) {
            case GZIP -> {
                max = 9;
                defaultLevel = DEFAULT_GZIP_LEVEL;
            }
            case ZSTD -> {
                max = MAX_ZSTD_LEVEL;
                defaultLevel = DEFAULT_ZSTD_LEVEL;
            }
            default -> throw new IllegalArgumentException("'" + spec + "' is not a compression; use gzip:1..9 or zstd:1..19");
        }
        int level = defaultLevel;
        if (levelText != null) {
            try {
                level = Integer.parseInt(levelText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + spec + "' has no valid level; use " + algorithm + ":1.." + max);
            }
            if (level < 1 || level > max) {
                throw new IllegalArgumentException("'" + spec + "' has level " + level + " out of range; use " + algorithm + ":1.." + max);
            }
        }
        return new Compression(algorithm, level);
    }

    /** The same compression on {@code count} threads (0 = one per core). */
    public Compression withThreads(int count) {
        return new Compression(algorithm, level, count);
    }

    /** The number of threads compression will use. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** The file-name suffix after ".sql". */
    public String suffix() {
        return switch (algorithm) {
            case GZIP -> ".gz";
            case ZSTD -> ".zst";
            default -> "";
        };
    }

    /**
     * A stream that compresses into {@code stored}; closing it finishes the compressed stream and closes
     * {@code stored}. After a failure, pass it to {@link #discard(OutputStream)} instead of closing it.
     */
    public OutputStream compress(OutputStream stored) throws IOException {
        return switch (algorithm) {
            case GZIP -> new ParallelGzipOutputStream(stored, gzipLevel(), effectiveThreads());
            case ZSTD -> {
                ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(stored, level);
                // a content checksum, as the zstd command writes by default, so 'zstd -t' checks the data too
                zstd.setChecksum(true);
                int workers = effectiveThreads();
                if (workers > 1) {
                    zstd.setWorkers(workers);
                    if (level <= 9) {
                        // libzstd's default job is 4 windows; 2 MiB jobs measured faster and ~50 MB smaller at level 3
                        zstd.setJobSize(ZSTD_JOB_SIZE);
                    }
                }
                yield zstd;
            }
            default -> throw new IllegalStateException("backups are never written uncompressed");
        };
    }

    private int gzipLevel() {
        return level == Deflater.DEFAULT_COMPRESSION ? DEFAULT_GZIP_LEVEL : level;
    }

    /** Releases a compressor whose stream will not be finished (threads, native memory); never throws. */
    public static void discard(OutputStream compressor) {
        if (compressor instanceof ParallelGzipOutputStream gzip) {
            gzip.discard();
        } else if (compressor instanceof ZstdOutputStreamNoFinalizer zstd) {
            try {
                zstd.close();
            } catch (IOException | RuntimeException e) {
                // the file is being thrown away; only the native context had to be freed
            }
        }
    }

    public InputStream decompress(InputStream stored) throws IOException {
        return switch (algorithm) {
            case GZIP -> new GZIPInputStream(stored, 1 << 16);
            case ZSTD -> new ZstdInputStreamNoFinalizer(new BufferedInputStream(stored, 1 << 16));
            default -> stored;
        };
    }

    /** The compression of a stored file, from its name: {@code .gz}, {@code .zst} or plain {@code .sql}. */
    public static Compression forFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".gz")) {
            return gzip(Deflater.DEFAULT_COMPRESSION);
        }
        if (lower.endsWith(".zst")) {
            return zstd(DEFAULT_ZSTD_LEVEL);
        }
        if (lower.endsWith(".sql")) {
            return none();
        }
        throw new IllegalArgumentException("unknown compression for " + name + " (expected .sql.gz, .sql.zst or .sql)");
    }

    /** As recorded in manifests: {@code gzip:6}, {@code zstd:3}. */
    @Override
    public String toString() {
        return NONE.equals(algorithm) ? NONE : algorithm + ":" + level;
    }
}
