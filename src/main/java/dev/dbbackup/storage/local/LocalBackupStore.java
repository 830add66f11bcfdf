package dev.dbbackup.storage.local;

import dev.dbbackup.storage.BackupStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A backup folder on a local file system. Files are written under a hidden temporary name in their
 * final folder, fsynced, then linked to the final name (which never replaces an existing file) and the
 * folder is fsynced. Folders are created 0700 and files 0600 whatever the umask.
 */
public final class LocalBackupStore implements BackupStore {

    /** Prefix of temporary files; never matches a backup name, and leftovers are cleaned by {@link #removeStaleTemporaries}. */
    public static final String TEMP_PREFIX = ".dbbackup-tmp-";


    private final Path root;

    public LocalBackupStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path pathOf(String key) {
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("key escapes the backup folder: " + key);
        }
        return path;
    }

    /** Creates the folder (and parents) with mode 0700; fails clearly when it cannot. */
    public void ensureDirectory(Path dir) throws IOException {
        PrivateFiles.createDirectories(dir);
    }

    @Override
    public PendingObject create() throws IOException {
        ensureDirectory(root);
        Path temp = root.resolve(TEMP_PREFIX + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
        FileChannel channel = PrivateFiles.createNew(temp);
        return new LocalPendingObject(temp, channel);
    }

    private final class LocalPendingObject implements PendingObject {
        private final Path temp;
        private final FileChannel channel;
        private final WriteBehind file;
        private final OutputStream output;
        private boolean flushed;
        private boolean committed;

        LocalPendingObject(Path temp, FileChannel channel) {
            this.temp = temp;
            this.channel = channel;
            this.file = new WriteBehind(channel);
            this.output = new BufferedOutputStream(file, 1 << 16) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            };
        }

        @Override
        public OutputStream output() {
            return output;
        }

        @Override
        public void commit(String key) throws IOException {
            if (!flushed) {
                output.flush();
                file.finish();
                channel.close();
                flushed = true;
            }
            Path target = pathOf(key);
            ensureDirectory(target.getParent());
            // A hard link never replaces an existing name, so two runs in the same second cannot clobber each other.
            try {
                Files.createLink(target, temp);
            } catch (UnsupportedOperationException | AccessDeniedException e) {
                if (Files.exists(target)) {
                    throw new FileAlreadyExistsException(target.toString());
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.deleteIfExists(temp);
            syncDirectory(target.getParent());
            committed = true;
        }

        @Override
        public void close() throws IOException {
            if (channel.isOpen()) {
                channel.close();
            }
            if (!committed) {
                Files.deleteIfExists(temp);
            }
        }
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<StoredObject> objects = new ArrayList<>();
        // BACKUP_DIR or its daily/ weekly/ monthly/ folders may be links (mounted volumes): follow them, as writing does
        try (Stream<Path> walk = Files.walk(root, 3, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                if (!Files.isRegularFile(path) || path.getFileName().toString().startsWith(TEMP_PREFIX)) {
                    continue;
                }
                String key = root.relativize(path).toString().replace('\\', '/');
                if (key.startsWith(prefix)) {
                    BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
                    objects.add(new StoredObject(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
                }
            }
        }
        objects.sort(Comparator.comparing(StoredObject::key));
        return objects;
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        Path path = pathOf(key);
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
        return Optional.of(new StoredObject(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
    }

    @Override
    public InputStream open(String key) throws IOException {
        return Files.newInputStream(pathOf(key));
    }

    @Override
    public void delete(String key) throws IOException {
        Path path = pathOf(key);
        Files.deleteIfExists(path);
        if (path.getParent() != null && Files.isDirectory(path.getParent())) {
            syncDirectory(path.getParent());
        }
    }

    @Override
    public void writeSmall(String key, byte[] content) throws IOException {
        Path target = pathOf(key);
        ensureDirectory(target.getParent());
        Path temp = target.resolveSibling(TEMP_PREFIX + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
        try {
            try (FileChannel channel = PrivateFiles.createNew(temp)) {
                channel.write(java.nio.ByteBuffer.wrap(content));
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(target.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public byte[] readSmall(String key) throws IOException {
        return Files.readAllBytes(pathOf(key));
    }

    @Override
    public String describe() {
        return root.toString();
    }

    @Override
    public String locate(String key) {
        return pathOf(key).toString();
    }

    /** Deletes temporary files left by killed runs of a process that no longer exists; returns how many. */
    public int removeStaleTemporaries() throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> walk = Files.walk(root, 2, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                String name = path.getFileName().toString();
                if (!name.startsWith(TEMP_PREFIX) || !Files.isRegularFile(path)) {
                    continue;
                }
                String rest = name.substring(TEMP_PREFIX.length());
                int dash = rest.indexOf('-');
                boolean alive = false;
                if (dash > 0) {
                    try {
                        long pid = Long.parseLong(rest.substring(0, dash));
                        alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                    } catch (NumberFormatException ignored) {
                        alive = false;
                    }
                }
                if (!alive && Files.deleteIfExists(path)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Some file systems cannot fsync a directory; the file itself is already durable.
        }
    }
}
