package dev.dbbackup.engine;

import org.jboss.logging.Logger;

/**
 * The two tuning knobs of {@code --jobs} (PostgreSQL parallel export), as JVM system properties for operators and
 * tests: how large a block range of a large table is, and how many bytes workers may keep on disk ahead of the
 * writer. A value that is not a positive whole number of bytes is ignored with a warning.
 */
public final class JobsTuning {

    /** Bytes of heap per block range of a large table ({@value}, default 256 MiB). */
    public static final String PART_SIZE_PROPERTY = "dbbackup.jobs.part-size";
    /** Most bytes kept on disk ahead of the writer ({@value}, default 4 GiB, never more than a quarter of the free space). */
    public static final String SPILL_LIMIT_PROPERTY = "dbbackup.jobs.spill-limit";

    private static final Logger LOG = Logger.getLogger(JobsTuning.class);

    private JobsTuning() {
    }

    /** The part size the property gives, or {@code fallback}. */
    public static long partSize(long fallback) {
        return bytes(PART_SIZE_PROPERTY, fallback);
    }

    /** The spill limit the property gives, or {@code fallback}. */
    public static long spillLimit(long fallback) {
        return bytes(SPILL_LIMIT_PROPERTY, fallback);
    }

    private static long bytes(String name, long fallback) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long bytes = Long.parseLong(value.strip());
            if (bytes > 0) {
                return bytes;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.warnf("ignoring -D%s=%s: not a positive number of bytes", name, value);
        return fallback;
    }
}
