package dev.dbbackup.operation;

import dev.dbbackup.config.Settings;
import dev.dbbackup.storage.local.DirectoryLock;
import dev.dbbackup.storage.local.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** Takes the backup folder's lock for a command that writes or deletes in it. */
final class FolderLock {

    private static final Logger LOG = Logger.getLogger(FolderLock.class);

    private FolderLock() {
    }

    static DirectoryLock hold(Settings settings, String command) {
        Path folder = Stores.writableLocal(settings).root();
        try {
            DirectoryLock lock = DirectoryLock.acquire(folder, command);
            lock.staleHolder().ifPresent(holder -> LOG.warnf("took over the lock of %s left by a run that ended without releasing it (%s)",
                    folder, holder));
            return lock;
        } catch (DirectoryLock.HeldException e) {
            throw new DbBackupException(ExitCode.LOCK_HELD, "backup folder " + folder + " is in use by another dbbackup run: " + e.getMessage(),
                    "wait for that run to finish; a lock left by a killed run is released automatically");
        } catch (PrivateFiles.UnsafeFileException e) {
            throw new DbBackupException(ExitCode.FAILURE, "cannot lock backup folder " + folder + ": " + e.getMessage(),
                    "remove " + e.getFile() + " (dbbackup creates its lock file itself); check who else can write to " + folder, e);
        } catch (IOException e) {
            throw new DbBackupException(ExitCode.FAILURE, "cannot lock backup folder " + folder + ": " + e.getMessage(),
                    "check that BACKUP_DIR is writable", e);
        }
    }

    static void release(DirectoryLock lock) {
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warnf("could not release the backup folder lock: %s", e.getMessage());
        }
    }
}
