package dev.dbbackup.pipeline;

import dev.dbbackup.engine.JobsTuning;
import dev.dbbackup.engine.ReadAheadSpace;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Set;
import java.util.UUID;
import java.util.zip.CRC32C;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;

/**
 * Temporary disk space for --jobs: rows a worker connection reads ahead of the writer go into spill segments
 * once its in-memory share is full, so large tables are really read in parallel while memory stays fixed.
 * It never holds a dump: only the rows read ahead, bounded, and gone when the backup ends.
 *
 * <ul>
 *   <li>Bounded: the segments alive at any time hold at most {@code limit} bytes; past that a worker waits.</li>
 *   <li>Nothing is left behind: a segment is opened with DELETE_ON_CLOSE, which on Linux and macOS unlinks the
 *   file right after it is created, so even a killed run leaves no file; it is readable only by this process.</li>
 *   <li>Private and checked: every record is encrypted (AES-CTR under a key made for this dump and never written
 *   anywhere; the counter starts at (segment, record number), so no key stream is used twice) and carries the
 *   CRC-32C of what was written; a record that comes back different fails the dump instead of entering the backup.
 *   (AES-GCM would authenticate too, but costs ~2 s of CPU before the JIT compiles it; CTR and CRC-32C are
 *   compiled to AES-NI and CRC32 instructions almost at once. Only this process can open the unlinked file.)</li>
 * </ul>
 */
public final class SpillArea implements ReadAheadSpace {

    private static final long DEFAULT_LIMIT = 4L << 30;

    private static final String CIPHER = "AES/CTR/NoPadding";
    /** Length and CRC-32C of the record's encrypted bytes. */
    private static final int HEADER = 2 * Integer.BYTES;

    private final Path directory;
    private final long limit;
    private final SecretKey key;
    private long reserved;
    private long peak;
    private int segments;
    private volatile String failure;

    private SpillArea(Path directory, long limit, SecretKey key) {
        this.directory = directory;
        this.limit = limit;
        this.key = key;
    }

    /**
     * A spill area in {@code directory} of at most {@code limit} bytes, and never more than a quarter of the space
     * free there now; null when there is no room or no key (then workers just wait for the writer).
     */
    public static SpillArea create(Path directory, long limit) {
        try {
            long usable = Files.getFileStore(directory).getUsableSpace();
            long bound = Math.min(limit, usable / 4);
            if (bound < (1 << 20)) {
                return null;
            }
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, new SecureRandom());
            return new SpillArea(directory, bound, generator.generateKey());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    /** A spill area in {@code directory} of the size {@value JobsTuning#SPILL_LIMIT_PROPERTY} gives (default 4 GiB), or null. */
    public static SpillArea create(Path directory) {
        return create(directory, JobsTuning.spillLimit(DEFAULT_LIMIT));
    }

    @Override
    public long limit() {
        return limit;
    }

    @Override
    public synchronized long peak() {
        return peak;
    }

    @Override
    public String failure() {
        return failure;
    }

    private synchronized boolean reserve(long bytes) {
        if (reserved + bytes > limit) {
            return false;
        }
        reserved += bytes;
        peak = Math.max(peak, reserved);
        return true;
    }

    private synchronized void release(long bytes) {
        reserved -= bytes;
        notifyAll();
    }

    /** A new, empty segment; null when there is no room for a first record of {@code bytes} or the file cannot be made. */
    @Override
    public Segment open(int bytes) {
        if (failure != null) {
            return null;
        }
        int id;
        synchronized (this) {
            if (reserved + HEADER + bytes > limit) {
                return null;
            }
            id = ++segments;
        }
        Path file = directory.resolve(".dbbackup-tmp-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID() + ".spill");
        try {
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE), ownerOnly(file));
            return new Segment(channel, id);
        } catch (IOException | RuntimeException e) {
            failure = "could not create a spill file in " + directory + ": " + e.getMessage();
            return null;
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path file) {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }

    /**
     * One run of rows on disk, written by one worker and read once, in order, by the writer, possibly while it is
     * still being written. Records: a 4-byte length and a 4-byte CRC-32C, then the encrypted bytes.
     */
    final class Segment implements ReadAheadSpace.Segment {
        private final FileChannel channel;
        private final int id;
        private final Cipher encrypt;
        private final Cipher decrypt;
        private final CRC32C writeCrc = new CRC32C();
        private final CRC32C readCrc = new CRC32C();
        /** One each for the worker (writing) and the writer (reading), which use the segment at the same time. */
        private final ByteBuffer writeHeader = ByteBuffer.allocate(HEADER);
        private final ByteBuffer readHeader = ByteBuffer.allocate(HEADER);
        private byte[] encrypted = new byte[0];
        private byte[] record = new byte[0];
        private long writeRecords;
        private long readRecords;
        private long readPosition;
        /** Bytes of complete records; only the writer thread reads past a record once it is counted here. */
        private volatile long written;
        private volatile boolean closedForWriting;
        private long held;
        private boolean closed;

        private Segment(FileChannel channel, int id) throws IOException {
            this.channel = channel;
            this.id = id;
            try {
                this.encrypt = Cipher.getInstance(CIPHER);
                this.decrypt = Cipher.getInstance(CIPHER);
            } catch (GeneralSecurityException e) {
                throw new IOException("AES-CTR is not available: " + e.getMessage(), e);
            }
        }

        /**
         * Appends {@code length} bytes; false when the area is full or the disk refused them (the segment is then
         * sealed and the caller keeps the bytes).
         */
        @Override
        public boolean append(byte[] bytes, int length) {
            long size = HEADER + length;
            if (closedForWriting || !reserve(size)) {
                return false;
            }
            try {
                if (encrypted.length < length) {
                    encrypted = new byte[length];
                }
                encrypt.init(Cipher.ENCRYPT_MODE, key, counter(writeRecords));
                int n = encrypt.doFinal(bytes, 0, length, encrypted, 0);
                writeCrc.reset();
                writeCrc.update(encrypted, 0, n);
                writeHeader.clear();
                writeHeader.putInt(0, n).putInt(Integer.BYTES, (int) writeCrc.getValue());
                long position = written;
                position += writeFully(writeHeader, position);
                writeFully(ByteBuffer.wrap(encrypted, 0, n), position);
                writeRecords++;
                synchronized (this) {
                    held += size;
                    written += size;
                    notifyAll();
                }
                return true;
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                release(size);
                if (!closedForWriting) {
                    // Not a segment closed under it because the dump is being cancelled: the disk refused the rows.
                    failure = "spilling rows to " + directory + " failed (" + e.getMessage() + "); the workers now wait for the writer instead";
                }
                seal();
                return false;
            }
        }

        private int writeFully(ByteBuffer buffer, long position) throws IOException {
            int total = 0;
            while (buffer.hasRemaining()) {
                total += channel.write(buffer, position + total);
            }
            return total;
        }

        @Override
        public void seal() {
            synchronized (this) {
                closedForWriting = true;
                notifyAll();
            }
        }

        /**
         * Reads the next record into {@code into} (grown as needed; returned) and sets {@code length[0]};
         * returns null at the end. Waits while the worker is still writing.
         */
        @Override
        public byte[] next(byte[] into, int[] length) throws IOException {
            synchronized (this) {
                while (readPosition >= written && !closedForWriting) {
                    try {
                        wait(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while reading spilled rows");
                    }
                }
                if (readPosition >= written) {
                    return null;
                }
            }
            readHeader.clear();
            readFully(readHeader, readPosition);
            int n = readHeader.getInt(0);
            if (n < 0 || readPosition + HEADER + n > written) {
                throw damaged();
            }
            if (record.length < n) {
                record = new byte[n];
            }
            readFully(ByteBuffer.wrap(record, 0, n), readPosition + HEADER);
            readCrc.reset();
            readCrc.update(record, 0, n);
            if ((int) readCrc.getValue() != readHeader.getInt(Integer.BYTES)) {
                throw damaged();
            }
            byte[] plain = into.length >= n ? into : new byte[n];
            try {
                decrypt.init(Cipher.DECRYPT_MODE, key, counter(readRecords));
                length[0] = decrypt.doFinal(record, 0, n, plain, 0);
            } catch (GeneralSecurityException e) {
                throw new IOException("could not decrypt spilled rows: " + e.getMessage(), e);
            }
            readRecords++;
            readPosition += HEADER + n;
            return plain;
        }

        private IOException damaged() {
            return new IOException("rows spilled to " + directory + " came back changed (record " + readRecords + " of spill segment "
                    + id + " fails its checksum): the disk or the file system damaged them");
        }

        private void readFully(ByteBuffer buffer, long position) throws IOException {
            int total = 0;
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position + total);
                if (n < 0) {
                    throw new IOException("a spill file of this dump is shorter than what was written to it");
                }
                total += n;
            }
        }

        /** The first counter block of a record: segment and record number, then 32 bits of block counter. */
        private IvParameterSpec counter(long record) {
            return new IvParameterSpec(ByteBuffer.allocate(16).putInt(id).putLong(record).array());
        }

        /** Closes (and so deletes) the file and gives its space back. */
        @Override
        public void close() {
            long space;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                closedForWriting = true;
                space = held;
                held = 0;
                notifyAll();
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // deleted on close either way
            }
            release(space);
        }
    }
}
