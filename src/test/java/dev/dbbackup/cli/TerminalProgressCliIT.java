package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress line as a person at a terminal sees it, from the real command line on a pseudo-terminal (util-linux
 * {@code script}): it appears after the first second, rewrites itself in place and is erased at the end; with
 * {@code --quiet}, or when the output goes to a pipe (cron, CI, a log), there is none.
 */
class TerminalProgressCliIT {

    /** gzip:9 on one thread: a backup of the ~65 MB database lasts a few seconds, long enough for the line to show. */
    private static final Map<String, String> SLOW_BACKUP = Map.of("BACKUP_COMPRESSION", "gzip:9", "BACKUP_COMPRESSION_THREADS", "1",
            "TERM", "xterm");
    private static final Pattern BACKUP_LINE = Pattern.compile("\rbackup  [0-9.]+ MiB SQL, [0-9.]+ MiB stored  [0-9.]+ MiB/s  \\d+:\\d\\d\033\\[K");
    private static final Pattern BACKUP_LINE_WITH_ETA = Pattern.compile(
            "\rbackup  \\d+%  [0-9.]+ MiB SQL, [0-9.]+ MiB stored  [0-9.]+ MiB/s  \\d+:\\d\\d  ETA ~\\d+:\\d\\d\033\\[K");
    /** Any progress line: what the summary lines ("120.7 MiB SQL → 39.7 MiB stored") never look like. */
    private static final Pattern PROGRESS = Pattern.compile("MiB SQL, [0-9.]+ MiB stored|\033\\[K");
    private static final Pattern RESTORE_LINE = Pattern.compile(
            "\rreading  \\d+%  [0-9.]+ MiB SQL, [0-9.]+ MiB stored  [0-9.]+ MiB/s  \\d+:\\d\\d  ETA \\d+:\\d\\d\033\\[K");

    @TempDir
    static Path dir;

    private static Path database;

    @BeforeAll
    static void createDatabase() throws Exception {
        database = dir.resolve("big.db");
        Random random = new Random(3);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b BLOB, n REAL)");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < 700_000; i++) {
                    byte[] blob = new byte[40]; // a new array each row: the driver keeps it until the batch runs
                    random.nextBytes(blob);
                    insert.setInt(1, i);
                    insert.setString(2, "row " + i + " " + "x".repeat(i % 50));
                    insert.setBytes(3, blob);
                    insert.setDouble(4, i * 0.5);
                    insert.addBatch();
                    if (i % 10_000 == 9_999) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            c.commit();
        }
    }

    private static String[] backup(String backups, String... more) {
        String[] base = {"backup", "--database-url", "sqlite:///" + database, "--backup-dir", dir.resolve(backups).toString()};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void aBackupOnATerminalShowsALineThatRewritesItselfAndIsErasedAtTheEnd() {
        Cli.Result first = Cli.onTerminal(dir, SLOW_BACKUP, backup("terminal"));
        assertEquals(0, first.exitCode(), first.toString());
        String shown = first.stdout();
        assertTrue(BACKUP_LINE.matcher(shown).find(), "a progress line (SQL and stored bytes, rate, time):\n" + visible(shown));
        assertTrue(shown.contains("\r\033[K"), "the line is erased at the end:\n" + visible(shown));
        assertTrue(shown.indexOf("backup written:") > shown.lastIndexOf("\r\033[K"), "the summary comes after the erased line");

        // The previous backup of the same database gives the size to expect: percent and an approximate ETA.
        Cli.Result second = Cli.onTerminal(dir, SLOW_BACKUP, backup("terminal", "--type", "weekly"));
        assertEquals(0, second.exitCode(), second.toString());
        assertTrue(BACKUP_LINE_WITH_ETA.matcher(second.stdout()).find(), "percent and ETA from the last backup:\n" + visible(second.stdout()));

        Cli.Result restore = Cli.onTerminal(dir, Map.of("TERM", "xterm"), "restore", "latest", "--database-url",
                "sqlite:///" + dir.resolve("restored.db"), "--backup-dir", dir.resolve("terminal").toString(), "--yes");
        assertEquals(0, restore.exitCode(), restore.toString());
        assertTrue(RESTORE_LINE.matcher(restore.stdout()).find(), "percent and ETA from the file size:\n" + visible(restore.stdout()));
    }

    @Test
    void quietOnATerminalOrAnyCommandInAPipeShowsNoProgress() {
        Cli.Result quiet = Cli.onTerminal(dir, SLOW_BACKUP, backup("quiet", "--quiet"));
        assertEquals(0, quiet.exitCode(), quiet.toString());
        assertFalse(PROGRESS.matcher(quiet.stdout()).find(), "--quiet shows no progress:\n" + visible(quiet.stdout()));

        Cli.Result piped = Cli.run(dir, SLOW_BACKUP, backup("piped"));
        assertEquals(0, piped.exitCode(), piped.toString());
        assertTrue(piped.all().contains("backup written:"), piped.toString());
        assertFalse(piped.all().contains("\r") || PROGRESS.matcher(piped.all()).find(), "nothing for cron, pipes or logs:\n" + piped);
    }

    /** Control characters made visible for a failure message. */
    private static String visible(String text) {
        return text.replace("\r\n", "\n").replace("\r", "<CR>").replace("\033", "<ESC>");
    }
}
