package dev.dbbackup.pipeline;

import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.pipeline.crypto.Encryption;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

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
        return write(sink, compression, Encryption.NONE, body);
    }

    /** As {@link #write(OutputStream, Compression, DumpBody)}, encrypting the compressed bytes; the stored sums are of the encrypted bytes. */
    public static Written write(OutputStream sink, Compression compression, Encryption encryption, DumpBody body)
            throws IOException, EngineException {
        HashingOutputStream stored = new HashingOutputStream(sink);
        OutputStream compressor = compression.compress(encryption.encrypt(stored));
        PlainTap plain = new PlainTap(compressor);
        DumpResult result = body.writeTo(plain);
        plain.flush();
        compressor.close();
        String last = plain.tracker.lastLine();
        if (last == null || !last.startsWith(DumpMarkers.END_OF_DUMP)) {
            throw new EngineException("the dump ended without its end marker (last line: "
                    + abbreviate(last) + "); the database dump was incomplete");
        }
        return new Written(result, plain.count, plain.sha256(), stored.count(), stored.sha256());
    }

    private static String abbreviate(String line) {
        if (line == null) {
            return "none";
        }
        return line.length() > 80 ? line.substring(0, 80) + "…" : line;
    }

    /** Hashes and counts the plain SQL and keeps its last line; closing it does not close the compressor. */
    private static final class PlainTap extends FilterOutputStream {
        private final java.security.MessageDigest digest = Sha256.newDigest();
        private final LastLineTracker tracker = new LastLineTracker();
        private long count;

        PlainTap(OutputStream next) {
            super(next);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            digest.update((byte) b);
            tracker.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
            tracker.update(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            flush();
        }

        String sha256() {
            return Sha256.hex(digest.digest());
        }
    }
}
