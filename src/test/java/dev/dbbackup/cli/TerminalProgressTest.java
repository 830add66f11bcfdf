package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.pipeline.ProgressDisplay;
import dev.dbbackup.pipeline.TransferMeter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {

    @Test
    void restoreLineShowsPercentRateAndEtaFromTheFileSize() {
        TransferMeter meter = new TransferMeter();
        meter.expect(-1, 200L << 20, -1, -1);
        meter.storedBytes(50L << 20);
        meter.plainBytes(400L << 20);
        String line = TerminalProgress.render("restore", meter, meter.startNanos() + 10_000_000_000L);
        assertEquals("restore  25%  400.0 MiB SQL, 50.0 MiB stored  40.0 MiB/s  0:10  ETA 0:30", line);
    }

    @Test
    void backupLineShowsTablesRowsAndAnApproximateEtaFromTheLastBackup() {
        TransferMeter meter = new TransferMeter();
        meter.expect(1000L << 20, -1, 4, 1_000_000);
        meter.plainBytes(250L << 20);
        meter.storedBytes(40L << 20);
        meter.tableDone("main.orders", 1234567);
        String line = TerminalProgress.render("backup", meter, meter.startNanos() + 5_000_000_000L);
        assertEquals("backup  25%  250.0 MiB SQL, 40.0 MiB stored  1/4 tables, 1,234,567 rows  50.0 MiB/s  0:05  ETA ~0:15", line);
    }

    @Test
    void withoutATotalThereIsNoPercentAndNoEta() {
        TransferMeter meter = new TransferMeter();
        meter.plainBytes(3L << 30);
        String line = TerminalProgress.render("backup", meter, meter.startNanos() + 3_723_000_000_000L);
        assertFalse(line.contains("%") || line.contains("ETA"), line);
        assertTrue(line.endsWith("1:02:03"), line);
    }

    @Test
    void drawsAfterTheFirstSecondAndErasesItselfWhenDone() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        TransferMeter meter = new TransferMeter();
        AtomicLong now = new AtomicLong(meter.startNanos());
        TerminalProgress display = new TerminalProgress(err, () -> true, now::get);
        ProgressDisplay.Shown shown = display.show("backup", meter);
        Thread.sleep(700);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8), "nothing in the first second");
        now.addAndGet(2_000_000_000L);
        meter.plainBytes(1 << 20);
        long deadline = System.currentTimeMillis() + 3000;
        while (bytes.size() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        shown.close();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\rbackup  1.0 MiB SQL"), out);
        assertTrue(out.endsWith("\r\033[K"), "the line is erased at the end: " + out);
        assertFalse(out.contains("\n"), "never a new line, so nothing scrolls into the log");
    }

    @Test
    void quietOrNoTerminalShowsNothing() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TransferMeter meter = new TransferMeter();
        TerminalProgress display = new TerminalProgress(new PrintStream(bytes), () -> false, () -> meter.startNanos() + 5_000_000_000L);
        assertFalse(display.enabled());
        display.show("backup", meter).close();
        Thread.sleep(100);
        assertEquals(0, bytes.size());
        assertFalse(ProgressDisplay.NONE.enabled());
    }
}
