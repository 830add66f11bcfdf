package dev.dbbackup.cli;

import dev.dbbackup.storage.local.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.logging.ErrorManager;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;

/**
 * The --log-file handler: appends each formatted line with one write, and past the size limit renames backup.log to
 * backup.log.1 (and so on up to the kept number). Every open goes through {@link PrivateFiles}: never through a link,
 * created 0600 whatever the umask, which a stock file handler (a plain open of the name, following links) cannot promise.
 */
final class PrivateRotatingFileHandler extends ExtHandler {

    private final Path file;
    private final long rotateSize;
    private final int keep;
    private FileChannel channel;

    /** Opens (or creates) the file at once, so a refused file fails the run before anything is done. */
    PrivateRotatingFileHandler(Path file, long rotateSize, int keep) throws IOException {
        this.file = file;
        this.rotateSize = rotateSize;
        this.keep = keep;
        this.channel = PrivateFiles.openOrCreate(file, PrivateFiles.Owner.OURS, StandardOpenOption.APPEND);
    }

    @Override
    protected void doPublish(ExtLogRecord record) {
        String line;
        try {
            line = dev.dbbackup.engine.DatabaseUrl.redact(getFormatter().format(record));
        } catch (RuntimeException e) {
            reportError("cannot format a log line", e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            if (channel == null) {
                return;
            }
            if (channel.size() > 0 && channel.size() + bytes.length > rotateSize) {
                rotate();
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            reportError("cannot write to the log file " + file, e, ErrorManager.WRITE_FAILURE);
        } finally {
            lock.unlock();
        }
    }

    private void rotate() throws IOException {
        channel.close();
        channel = null;
        if (keep == 0) {
            Files.deleteIfExists(file);
        } else {
            Files.deleteIfExists(numbered(keep));
            for (int i = keep - 1; i >= 1; i--) {
                if (Files.exists(numbered(i), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        }
        channel = PrivateFiles.createNew(file, StandardOpenOption.APPEND);
    }

    private Path numbered(int index) {
        return file.resolveSibling(file.getFileName() + "." + index);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        } catch (IOException e) {
            reportError("cannot close the log file " + file, e, ErrorManager.CLOSE_FAILURE);
        } finally {
            lock.unlock();
        }
        super.close();
    }
}
