package dev.dbbackup.pipeline;

import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.pipeline.crypto.Encryption;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/**
 * The write half of the pipeline: engine → size+SHA-256 of the plain SQL → compressor → encryptor (optional) →
 * size+SHA-256 of the stored bytes → sink. Nothing is buffered beyond fixed-size stream buffers.
 */
public final class DumpWriter {

    private DumpWriter() {
    }

    /** Something that writes a whole plain-SQL dump to a stream (an engine's dump). */
    @FunctionalInterface
    public interface DumpBody {
        DumpResult writeTo(OutputStream plainSql) throws IOException, EngineException;
    }

    /** Sizes and checksums of both sides of the compressor, and what the engine reported. */
    public record Written(DumpResult dump, long plainBytes, String plainSha256, long storedBytes, String storedSha256) {
    }

    /**
     * Runs {@code body} through the pipeline into {@code sink} and finishes the compressed stream.
     * Fails when the dump does not end with the engine end marker: such a dump is never a backup.
     */
    public static Written write(OutputStream sink, Compression compression, DumpBody body) throws IOException, EngineException {
        return write(sink, compression, Encryption.NONE, body, null);
    }

    /** As {@link #write(OutputStream, Compression, DumpBody)}, encrypting the compressed bytes; the stored sums are of the encrypted bytes. */
    public static Written write(OutputStream sink, Compression compression, Encryption encryption, DumpBody body)
            throws IOException, EngineException {
        return write(sink, compression, encryption, body, null);
    }

    /**
     * The whole write: engine → plain sums → compressor → encryptor → stored sums → sink, keeping {@code meter}
     * (may be null) up to date with the plain and stored byte counts for a progress display.
     */
    public static Written write(OutputStream sink, Compression compression, Encryption encryption, DumpBody body, TransferMeter meter)
            throws IOException, EngineException {
        TransferMeter shownMeter = meter == null ? new TransferMeter() : meter;
        Tap stored = new Tap(sink, shownMeter::storedBytes);
        OutputStream compressor = compression.compress(encryption.encrypt(stored));
        PlainTap plain = new PlainTap(compressor, shownMeter);
        // engines that write a few bytes at a time still reach the compressor in 64 KiB pieces
        OutputStream buffered = new java.io.BufferedOutputStream(plain, 1 << 16);
        DumpResult result;
        boolean finished = false;
        try (ProgressDisplay.Shown shown = ProgressDisplay.current().show("backup", shownMeter)) {
            result = body.writeTo(buffered);
            buffered.flush();
            compressor.close();
            finished = true;
        } finally {
            if (!finished) {
                Compression.discard(compressor);
            }
        }
        String last = plain.tracker.lastLine();
        if (last == null || !last.startsWith(DumpMarkers.END_OF_DUMP)) {
            throw new EngineException("the dump ended without its end marker (last line: "
                    + abbreviate(last) + "); the database dump was incomplete");
        }
        return new Written(result, plain.count(), plain.sha256(), stored.count(), stored.sha256());
    }

    private static String abbreviate(String line) {
        if (line == null) {
            return "none";
        }
        return line.length() > 80 ? line.substring(0, 80) + "…" : line;
    }

    /** Hashes and counts the bytes on their way to {@code next}, telling {@code progress} the running count. */
    private static class Tap extends FilterOutputStream {
        private final java.security.MessageDigest digest = Sha256.newDigest();
        private final LongConsumer progress;
        private long count;

        Tap(OutputStream next, LongConsumer progress) {
            super(next);
            this.progress = progress;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
            count += len;
            progress.accept(count);
        }

        long count() {
            return count;
        }

        String sha256() {
            return Sha256.hex(digest.digest());
        }
    }

    /** The plain SQL's tap: also keeps its last line; closing it does not close the compressor. */
    private static final class PlainTap extends Tap {
        private final LastLineTracker tracker = new LastLineTracker();

        PlainTap(OutputStream next, TransferMeter meter) {
            super(next, meter::plainBytes);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            super.write(b, off, len);
            tracker.update(b, off, len);
        }

        /** An engine's flush must not cut the compressed stream into smaller blocks (zstd would). */
        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
