package dev.dbbackup.pipeline;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One standard gzip member (RFC 1952) whose deflate data is produced by several threads.
 *
 * <p>The input is cut into fixed-size blocks. Each block is deflated on a worker thread by
 * {@link java.util.zip.Deflater} in raw mode, primed with the last 32 KiB of the block before it
 * as a preset dictionary (so the ratio stays close to a single-threaded gzip), and ended with a
 * sync flush so the blocks concatenate into one valid deflate stream; only the last block is
 * finished. The CRC-32 and size of the whole input go into the trailer. This is the layout pigz
 * writes; {@code gunzip} and {@link java.util.zip.GZIPInputStream} read it as any gzip file.
 *
 * <p>Memory is fixed: a ring of {@code threads + 2} block slots (one being filled, one waiting to be
 * written out, one per worker), each with its input, dictionary, output buffer and deflater; at most
 * {@value #MAX_THREADS} workers. A writer that gets ahead of the
 * workers waits for the oldest slot. The output does not depend on the number of threads.
 */
public final class ParallelGzipOutputStream extends OutputStream {

    /**
     * Uncompressed bytes per block. Each block re-reads the 32 KiB before it as a dictionary and ends with a
     * flush: larger blocks spend less CPU (1 MiB: ~4% less than pigz's 128 KiB), but their output buffers for
     * incompressible data ran a 48 MiB heap out of memory (OffsiteCliIT); 256 KiB keeps most of the gain.
     */
    public static final int BLOCK_SIZE = 1 << 18;
    /**
     * Workers at most. One worker deflates SQL at 55-80 MB/s at level 6, so one connection's COPY (a few hundred MB/s)
     * keeps ~6 busy, and {@code --jobs N} several times that; 32 (~2 GB/s) is about where the writer thread's SHA-256
     * becomes the limit. Each worker's slot costs ~0.75 MB.
     */
    static final int MAX_THREADS = 32;
    private static final int DICTIONARY_SIZE = 32 * 1024;
    private static final AtomicInteger STREAMS = new AtomicInteger();

    private final OutputStream out;
    private final ExecutorService workers;
    private final Slot[] ring;
    private final int blockSize;
    private final CRC32 crc = new CRC32();
    private long size;
    private int current;
    private boolean closed;

    /**
     * @param out     receives the gzip bytes; closed by {@link #close()}
     * @param level   deflate level 1..9
     * @param threads worker threads (at least 1)
     */
    public ParallelGzipOutputStream(OutputStream out, int level, int threads) throws IOException {
        this(out, level, threads, BLOCK_SIZE);
    }

    /** With an explicit block size (tests use small blocks to cross many block boundaries cheaply). */
    ParallelGzipOutputStream(OutputStream out, int level, int threads, int blockSize) throws IOException {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("gzip level must be from 1 to 9, got " + level);
        }
        if (blockSize < DICTIONARY_SIZE) {
            throw new IllegalArgumentException("gzip block size must be at least " + DICTIONARY_SIZE + ", got " + blockSize);
        }
        this.out = out;
        this.blockSize = blockSize;
        int workerCount = Math.min(MAX_THREADS, Math.max(1, threads));
        int stream = STREAMS.incrementAndGet();
        AtomicInteger threadNumber = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(workerCount, workerCount, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, "gzip-" + stream + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.ring = new Slot[workerCount + 2];
        for (int i = 0; i < ring.length; i++) {
            ring[i] = new Slot(level, blockSize);
        }
        writeHeader();
    }

    private void writeHeader() throws IOException {
        // magic, CM=deflate, FLG=0, MTIME=0 (reproducible), XFL=0, OS=3 (Unix)
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("the gzip stream is closed");
        }
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        crc.update(b, off, len);
        size += len;
        while (len > 0) {
            Slot slot = ring[current];
            int n = Math.min(len, blockSize - slot.length);
            System.arraycopy(b, off, slot.input, slot.length, n);
            slot.length += n;
            off += n;
            len -= n;
            if (slot.length == blockSize) {
                submit(false);
            }
        }
    }

    /** Hands the current block to a worker and makes the next slot (with its dictionary) current. */
    private void submit(boolean last) throws IOException {
        Slot slot = ring[current];
        slot.last = last;
        slot.future = workers.submit(slot::compress);
        if (last) {
            return;
        }
        current = (current + 1) % ring.length;
        Slot next = ring[current];
        emit(next);
        int dictionary = Math.min(DICTIONARY_SIZE, slot.length);
        System.arraycopy(slot.input, slot.length - dictionary, next.dictionary, 0, dictionary);
        next.dictionaryLength = dictionary;
        next.length = 0;
    }

    /** Waits for the slot's block (if any) and writes its deflate bytes; blocks come out in input order. */
    private void emit(Slot slot) throws IOException {
        Future<?> future = slot.future;
        if (future == null) {
            return;
        }
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IOException("gzip compression failed: " + cause, cause);
        }
        slot.future = null;
        out.write(slot.output, 0, slot.outputLength);
    }

    /** Writes out the blocks already compressed; the block being filled stays open so the ratio is not hurt. */
    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Compresses what is left, writes the trailer and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            submit(true);
            for (int i = 1; i <= ring.length; i++) {
                emit(ring[(current + i) % ring.length]);
            }
            long crcValue = crc.getValue();
            out.write(new byte[] {
                    (byte) crcValue, (byte) (crcValue >>> 8), (byte) (crcValue >>> 16), (byte) (crcValue >>> 24),
                    (byte) size, (byte) (size >>> 8), (byte) (size >>> 16), (byte) (size >>> 24)});
            out.close();
        } finally {
            release();
        }
    }

    /** Stops the workers and frees the deflaters without finishing the stream (after a failed dump). */
    public void discard() {
        closed = true;
        release();
    }

    private void release() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Slot slot : ring) {
            slot.deflater.end();
        }
    }

    /** One block in flight: its input and the 32 KiB before it, its deflater and its compressed bytes. */
    private static final class Slot {
        final byte[] input;
        final byte[] dictionary = new byte[DICTIONARY_SIZE];
        final Deflater deflater;
        byte[] output;
        int length;
        int dictionaryLength;
        int outputLength;
        boolean last;
        Future<?> future;

        Slot(int level, int blockSize) {
            input = new byte[blockSize];
            // SQL deflates to a quarter or less; the buffer doubles for data that does not
            output = new byte[blockSize / 2];
            deflater = new Deflater(level, true);
        }

        /** Runs on a worker: raw deflate of the block, sync-flushed (or finished when it is the last). */
        Void compress() {
            deflater.reset();
            if (dictionaryLength > 0) {
                deflater.setDictionary(dictionary, 0, dictionaryLength);
            }
            deflater.setInput(input, 0, length);
            outputLength = 0;
            if (last) {
                deflater.finish();
                while (!deflater.finished()) {
                    deflateInto(Deflater.NO_FLUSH);
                }
            } else {
                // SYNC_FLUSH ends the block on a byte boundary with an empty stored block, so the next block can follow
                do {
                    deflateInto(Deflater.SYNC_FLUSH);
                } while (outputLength == output.length);
            }
            return null;
        }

        private void deflateInto(int flush) {
            if (outputLength == output.length) {
                output = java.util.Arrays.copyOf(output, output.length * 2);
            }
            outputLength += deflater.deflate(output, outputLength, output.length - outputLength, flush);
        }
    }
}
