package dev.dbbackup.storage.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The one way dbbackup creates or opens a file it writes: never through a symbolic link (O_NOFOLLOW or O_EXCL), an
 * existing file only when it is a regular file with a single name, owned by the running user or root, and anything new
 * created 0600 (folders 0700) whatever the umask. A folder that already exists may be a link (a mounted volume); only the
 * last name of a file is ours to check.
 */
public final class PrivateFiles {

    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

    /** Who may own an existing file we open: only us (or root), or anyone (a lock file shared by several users by design). */
    public enum Owner { OURS, ANY }

    /** The uid of this process (owner of /proc/self), or -1 where there is no /proc. */
    private static final int OUR_UID = ourUid();

    private PrivateFiles() {
    }

    /** Thrown when a name where dbbackup's own file belongs is a link, not a regular file, or someone else's file. */
    public static final class UnsafeFileException extends FileSystemException {
        public UnsafeFileException(Path file, String reason) {
            super(file.toString(), null, reason);
        }

        @Override
        public String getMessage() {
            return getFile() + " " + getReason();
        }
    }

    /** Creates {@code file}, which must not exist yet (O_CREAT|O_EXCL never follows a link), mode 0600. */
    public static FileChannel createNew(Path file, OpenOption... more) throws IOException {
        Set<OpenOption> options = new HashSet<>(List.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS));
        options.addAll(List.of(more));
        try {
            return FileChannel.open(file, options, fileMode(file));
        } catch (FileAlreadyExistsException e) {
            if (Files.isSymbolicLink(file)) {
                throw linkError(file);
            }
            throw e;
        }
    }

    /** Writes a new 0600 file that must not exist yet. */
    public static void writeNew(Path file, byte[] content) throws IOException {
        try (FileChannel channel = createNew(file)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /**
     * Opens our file for writing (read and write, or append), creating it 0600 when missing. An existing file must be a
     * regular file with one name (a hard link to another file is refused), owned as {@code owner} says.
     */
    public static FileChannel openOrCreate(Path file, Owner owner, OpenOption... more) throws IOException {
        for (int attempt = 0; ; attempt++) {
            BasicFileAttributes before = attributes(file);
            if (before == null) {
                try {
                    return createNew(file, more);
                } catch (FileAlreadyExistsException raced) {
                    if (attempt > 3) {
                        throw raced;
                    }
                    continue;
                }
            }
            requireSafeExisting(file, before, owner);
            Set<OpenOption> options = new HashSet<>(List.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
            options.addAll(List.of(more));
            FileChannel channel;
            try {
                channel = FileChannel.open(file, options);
            } catch (NoSuchFileException gone) {
                continue;
            } catch (FileSystemException e) {
                if (Files.isSymbolicLink(file)) {
                    throw linkError(file);
                }
                throw e;
            }
            BasicFileAttributes after = attributes(file);
            if (after == null || !sameFile(before, after)) {
                channel.close(); // replaced between the check and the open: check again
                if (attempt > 3) {
                    throw new UnsafeFileException(file, "keeps being replaced while dbbackup opens it");
                }
                continue;
            }
            return channel;
        }
    }

    /** Checks an existing file we are about to read as ours (a manifest, a backup): regular, one name, owner. */
    public static void requireOwnedFile(Path file, Owner owner) throws IOException {
        BasicFileAttributes attributes = attributes(file);
        if (attributes == null) {
            throw new NoSuchFileException(file.toString());
        }
        requireSafeExisting(file, attributes, owner);
    }

    /** Creates the missing folders of {@code dir} with mode 0700; existing ones (links included) are used as they are. */
    public static void createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            if (posix(absolute)) {
                Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(DIR_MODE));
                Files.setPosixFilePermissions(absolute, DIR_MODE); // the umask may have taken bits away; 0700 exactly
            } else {
                Files.createDirectory(absolute);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw Files.isSymbolicLink(absolute) ? new UnsafeFileException(absolute, "is a symbolic link that points to no folder")
                        : new UnsafeFileException(absolute, "is not a folder");
            }
        }
    }

    /**
     * Replaces {@code target} with {@code content}: a new 0600 file under a hidden temporary name, synced, renamed over the
     * target (a rename replaces a link itself, never the file it points to).
     */
    public static void replace(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            try (FileChannel channel = createNew(temp)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The error for a link where our file belongs. */
    public static UnsafeFileException linkError(Path file) {
        String target;
        try {
            target = " (to " + Files.readSymbolicLink(file) + ")";
        } catch (IOException e) {
            target = "";
        }
        return new UnsafeFileException(file, "is a symbolic link" + target + " where dbbackup writes its own file;"
                + " dbbackup never writes through links there: remove the link");
    }

    private static void requireSafeExisting(Path file, BasicFileAttributes attributes, Owner owner) throws IOException {
        if (attributes.isSymbolicLink()) {
            throw linkError(file);
        }
        if (!attributes.isRegularFile()) {
            throw new UnsafeFileException(file, "is not a regular file where dbbackup writes its own file: remove it");
        }
        if (!posix(file)) {
            return;
        }
        Object links = Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        if (links instanceof Integer count && count > 1) {
            throw new UnsafeFileException(file, "has " + count + " names (hard links) where dbbackup writes its own file: remove it");
        }
        if (owner == Owner.OURS && OUR_UID >= 0) {
            int uid = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (uid != OUR_UID && uid != 0) {
                throw new UnsafeFileException(file, "is owned by " + ownerName(file) + " (uid " + uid + "), not by the user running"
                        + " dbbackup; someone else may have planted it: check it and remove it or give it to this user (chown)");
            }
        }
    }

    /** The owner's name of a file, for messages. */
    public static String ownerName(Path file) {
        try {
            return Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "another user";
        }
    }

    /**
     * Why a file dbbackup is about to trust (a backup, its manifest, a key) may have been written by someone else: owned
     * by neither this user nor root, or writable by every user; empty when neither. Links are followed: what counts is
     * the file read (secrets mounted by Kubernetes are links).
     */
    public static java.util.Optional<String> untrustedBecause(Path file) {
        try {
            if (!posix(file)) {
                return java.util.Optional.empty();
            }
            int uid = (Integer) Files.getAttribute(file, "unix:uid");
            if (OUR_UID >= 0 && uid != OUR_UID && uid != 0) {
                return java.util.Optional.of(file + " is owned by " + Files.getOwner(file).getName() + " (uid " + uid
                        + "), not by the user running dbbackup or root, so that user could have written it");
            }
            if (Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_WRITE)) {
                return java.util.Optional.of(file + " is writable by every user, so anyone could have altered it");
            }
            return java.util.Optional.empty();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty(); // missing or unreadable: the reader reports that itself
        }
    }

    /** True when {@code file} (not following a link) is owned by neither this user nor root. */
    public static boolean ownedBySomeoneElse(Path file) throws IOException {
        if (OUR_UID < 0 || !posix(file)) {
            return false;
        }
        int uid = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        return uid != OUR_UID && uid != 0;
    }

    private static BasicFileAttributes attributes(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static boolean sameFile(BasicFileAttributes a, BasicFileAttributes b) {
        return a.fileKey() == null || a.fileKey().equals(b.fileKey());
    }

    private static FileAttribute<?>[] fileMode(Path file) {
        return posix(file) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)} : new FileAttribute<?>[0];
    }

    private static boolean posix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("unix");
    }

    private static int ourUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
