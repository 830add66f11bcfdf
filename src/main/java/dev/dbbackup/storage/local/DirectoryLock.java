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
    /** {@link #fileKey}'s answer on a file system without file identities. */
    private static final Object NO_KEY = new Object();

    private final FileChannel channel;
    private final FileLock lock;
    /** Set for a lock file that is removed when the lock is released (beside a user's database). */
    private final Path removeOnRelease;

    private final Optional<String> previousHolder;

    private DirectoryLock(FileChannel channel, FileLock lock, Optional<String> previousHolder, Path removeOnRelease) {
        this.channel = channel;
        this.lock = lock;
        this.previousHolder = previousHolder;
        this.removeOnRelease = removeOnRelease;
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

    /** The same lock on a lock file of the caller's choosing; the file stays, empty, between runs. */
    public static DirectoryLock acquireFile(Path file, String command) throws IOException, HeldException {
        return acquireFile(file, command, false);
    }

    /**
     * The same lock on a lock file of the caller's choosing; with {@code removeOnRelease} (the SQLite engine's lock beside
     * the user's database) the file is deleted when the lock is released, so nothing is left beside the database after a
     * run. A run that opened the file just before its holder deleted it would lock a file no longer there: after locking,
     * each run checks that the path still names the file it opened (the same device and inode before the open and after
     * the lock) and starts again if not. The check never opens the file a second time: closing any descriptor of a file
     * drops this process's lock on it.
     */
    public static DirectoryLock acquireFile(Path file, String command, boolean removeOnRelease) throws IOException, HeldException {
        for (int attempt = 1; ; attempt++) {
            // Only a lock file that is removed again needs its identity checked (two stats, no second descriptor).
            Object opened = removeOnRelease ? fileKey(file) : NO_KEY;
            // Never through a link, never a second name of another file; another user's lock file is fine (shared by design).
            FileChannel channel = PrivateFiles.openOrCreate(file, PrivateFiles.Owner.ANY, StandardOpenOption.READ);
            if (opened == null) {
                opened = fileKey(file); // created by this open (or by a run just before it)
            }
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
            // Where the file system gives no identity (no inode), the file is simply kept.
            boolean remove = opened != NO_KEY;
            if (remove && (opened == null || !opened.equals(fileKey(file)))) {
                lock.release();
                channel.close();
                if (attempt == 10) {
                    throw new IOException("the lock file " + file + " keeps being replaced by other runs");
                }
                continue;
            }
            String previous = describeHolder(channel);
            recordHolder(channel, command);
            return new DirectoryLock(channel, lock, previous.isEmpty() ? Optional.empty() : Optional.of(previous), remove ? file : null);
        }
    }

    /**
     * Writes who holds the lock, for the message of a blocked run. Best effort: the lock itself is the operating system's and
     * needs no free space, so a full disk (where {@code prune} must still work) leaves the file empty and the lock held.
     */
    private static void recordHolder(FileChannel channel, String command) {
        String me = "pid " + ProcessHandle.current().pid() + " on " + hostName() + " since " + Instant.now() + " (" + command + ")";
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
        } catch (IOException e) {
            try {
                channel.truncate(0); // no half-written holder
            } catch (IOException ignored) {
                // nothing was written then
            }
        }
    }

    /**
     * The device and inode {@code file} names now (from stat, without opening it); null when it does not exist,
     * {@link #NO_KEY} when the file system has no such identity.
     */
    private static Object fileKey(Path file) throws IOException {
        try {
            Object key = java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            return key == null ? NO_KEY : key;
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
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
            try {
                channel.truncate(0);
            } catch (IOException ignored) {
                // the text is only a hint; the lock is released below either way
            }
            if (removeOnRelease != null) {
                // Still holding the lock: a run waiting on this file finds it gone and starts again on a new one.
                java.nio.file.Files.deleteIfExists(removeOnRelease);
            }
            lock.release();
        } finally {
            channel.close();
        }
    }
}
