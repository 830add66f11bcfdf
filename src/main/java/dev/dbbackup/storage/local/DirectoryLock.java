package dev.dbbackup.storage.local;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * An exclusive lock on a backup folder, so that overlapping runs (cron and the scheduler, two cron runs)
 * cannot interleave. It is an operating-system file lock: a killed process releases it, so a stale lock
 * is taken over by the next run; the file's text names the holder for the message of a blocked run.
 */
public final class DirectoryLock implements AutoCloseable {

    public static final String FILE_NAME = ".dbbackup.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private final Optional<String> previousHolder;

    private DirectoryLock(FileChannel channel, FileLock lock, Optional<String> previousHolder) {
        this.channel = channel;
        this.lock = lock;
        this.previousHolder = previousHolder;
    }

    /** Thrown when another live run holds the lock; the message names the holder. */
    public static final class HeldException extends Exception {
        public HeldException(String holder) {
            super(holder);
        }
    }

    /** Takes the lock or fails at once with the holder's description (pid, host, start time, command). */
    public static DirectoryLock acquire(Path folder, String command) throws IOException, HeldException {
        return acquireFile(folder.resolve(FILE_NAME), command);
    }

    /** The same lock on a lock file of the caller's choosing (the SQLite engine's per-database lock beside the database). */
    public static DirectoryLock acquireFile(Path file, String command) throws IOException, HeldException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            String holder = describeHolder(channel);
            channel.close();
            throw new HeldException(holder);
        }
        String previous = describeHolder(channel);
        channel.truncate(0);
        String me = "pid " + ProcessHandle.current().pid() + " on " + hostName() + " since " + Instant.now() + " (" + command + ")";
        channel.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
        return new DirectoryLock(channel, lock, previous.isEmpty() ? Optional.empty() : Optional.of(previous));
    }

    /** The holder recorded by a run that died without releasing the lock (the lock was taken over). */
    public Optional<String> staleHolder() {
        return previousHolder;
    }

    private static String describeHolder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(512);
        int read = channel.read(buffer, 0);
        return read <= 0 ? "" : new String(buffer.array(), 0, read, StandardCharsets.UTF_8).strip();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.truncate(0);
            lock.release();
        } finally {
            channel.close();
        }
    }
}
