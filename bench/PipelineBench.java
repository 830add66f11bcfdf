import dev.dbbackup.pipeline.Compression;
import dev.dbbackup.pipeline.DumpReader;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Times the compression stage alone (no database): a plain SQL file is pushed through each compressor
 * into a file, then read back. Run by bench/run.sh as
 * {@code java -cp target/classes:target/quarkus-app/lib/main/* bench/PipelineBench.java SQL_FILE REPS TMP_DIR}.
 * Prints one tab-separated line per case: name, median compress seconds, MB/s, stored bytes, ratio,
 * median decompress seconds, median CPU seconds of the compression (all threads).
 */
public class PipelineBench {

    public static void main(String[] args) throws Exception {
        Path sql = Path.of(args[0]);
        int reps = Integer.parseInt(args[1]);
        Path tmp = Path.of(args[2]);
        long plain = Files.size(sql);
        int cores = Runtime.getRuntime().availableProcessors();
        List<Case> cases = new ArrayList<>();
        for (int level : new int[] {1, 6, 9}) {
            cases.add(new Case("java.util.zip gzip:" + level + " (1 thread, inline)", out -> new LeveledGzip(out, level), Compression.gzip(level)));
            cases.add(new Case("parallel gzip:" + level + " 1 thread", out -> Compression.gzip(level).withThreads(1).compress(out), Compression.gzip(level)));
            cases.add(new Case("parallel gzip:" + level + " " + cores + " threads", out -> Compression.gzip(level).compress(out), Compression.gzip(level)));
        }
        for (int level : new int[] {1, 3, 9}) {
            cases.add(new Case("zstd:" + level + " " + cores + " threads", out -> Compression.zstd(level).compress(out), Compression.zstd(level)));
        }
        cases.add(new Case("zstd:3 1 thread", out -> Compression.zstd(3).withThreads(1).compress(out), Compression.zstd(3)));
        for (Case c : cases) {
            Path stored = tmp.resolve("pipeline-bench.out");
            double[] compress = new double[reps];
            double[] cpu = new double[reps];
            double[] decompress = new double[reps];
            long size = 0;
            for (int r = 0; r < reps; r++) {
                long start = System.nanoTime();
                long cpuStart = processCpuNanos();
                try (InputStream in = new BufferedInputStream(Files.newInputStream(sql), 1 << 16);
                     OutputStream out = c.open.apply(new BufferedOutputStream(Files.newOutputStream(stored), 1 << 16))) {
                    in.transferTo(out);
                }
                compress[r] = (System.nanoTime() - start) / 1e9;
                cpu[r] = (processCpuNanos() - cpuStart) / 1e9;
                size = Files.size(stored);
                start = System.nanoTime();
                try (InputStream in = Files.newInputStream(stored); DumpReader reader = new DumpReader(in, c.reader)) {
                    reader.drain();
                }
                decompress[r] = (System.nanoTime() - start) / 1e9;
            }
            double median = median(compress);
            System.out.printf(Locale.ROOT, "%s\t%.2f\t%.1f\t%d\t%.2f\t%.2f\t%.2f%n", c.name, median, plain / 1e6 / median, size,
                    (double) plain / size, median(decompress), median(cpu));
            Files.deleteIfExists(stored);
        }
    }

    /** CPU time of the whole process (all threads, including the compressor's), in nanoseconds. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    interface Opener {
        OutputStream apply(OutputStream out) throws IOException;
    }

    record Case(String name, Opener open, Compression reader) {
    }

    /** The JDK's own single-threaded gzip at a chosen level, as the code before parallel gzip used. */
    static final class LeveledGzip extends GZIPOutputStream {
        LeveledGzip(OutputStream out, int level) throws IOException {
            super(out, 1 << 16);
            def.setLevel(level);
        }
    }
}
