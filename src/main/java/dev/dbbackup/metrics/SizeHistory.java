package dev.dbbackup.metrics;

import dev.dbbackup.config.Settings;
import dev.dbbackup.operation.BackupOperation;
import dev.dbbackup.operation.OperationObserver;
import dev.dbbackup.storage.local.PrivateFiles;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * The seed's size history: one line {@code timestamp,database,type,bytes,duration_s} per backup, appended to
 * {@code BACKUP_DIR/size_history.csv}; {@code dbbackup list --stats} reads it back.
 */
@ApplicationScoped
public class SizeHistory implements OperationObserver {

    private static final Logger LOG = Logger.getLogger(SizeHistory.class);

    public static final String FILE_NAME = "size_history.csv";
    public static final String HEADER = "timestamp,database,type,bytes,duration_s";

    /** One line of the history. {@code bytes} is the stored (compressed) size. */
    public record Row(Instant timestamp, String database, String type, long bytes, double durationSeconds) {
    }

    public static Path file(Settings settings) {
        return settings.backupDir().toAbsolutePath().normalize().resolve(FILE_NAME);
    }

    @Override
    public void backupSucceeded(Settings settings, Instant started, BackupOperation.BackupReport report) {
        Row row = new Row(started.truncatedTo(ChronoUnit.SECONDS), settings.name(), report.type().word(), report.storedBytes(),
                report.duration().toMillis() / 1000.0);
        try {
            append(file(settings), row);
        } catch (IOException e) {
            LOG.warnf("could not append to the size history %s: %s", file(settings), e.toString());
        }
    }

    /** Appends one line with a single write (O_APPEND), writing the header first when the file is new. */
    static void append(Path file, Row row) throws IOException {
        String line = row.timestamp() + "," + row.database() + "," + row.type() + "," + row.bytes() + ","
                + String.format(Locale.ROOT, "%.1f", row.durationSeconds()) + "\n";
        try (FileChannel channel = PrivateFiles.openOrCreate(file, PrivateFiles.Owner.OURS, StandardOpenOption.APPEND)) {
            String text = (channel.size() == 0 ? HEADER + "\n" : "") + line;
            ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /** The rows of a history file, oldest first; lines that do not parse (a hand edit, a cut line) are skipped. */
    public static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                String[] fields = line.strip().split(",");
                if (fields.length != 5 || fields[0].equals("timestamp")) {
                    continue;
                }
                try {
                    rows.add(new Row(Instant.parse(fields[0]), fields[1], fields[2], Long.parseLong(fields[3]),
                            Double.parseDouble(fields[4])));
                } catch (DateTimeParseException | NumberFormatException e) {
                    LOG.debugf("skipping size history line '%s'", line);
                }
            }
        }
        rows.sort(java.util.Comparator.comparing(Row::timestamp));
        return rows;
    }
}
