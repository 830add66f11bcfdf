package dev.dbbackup.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SizeHistoryTest {

    @TempDir
    Path dir;

    private static SizeHistory.Row row(String time, String database, String type, long bytes, double seconds) {
        return new SizeHistory.Row(Instant.parse(time), database, type, bytes, seconds);
    }

    @Test
    void appendsTheSeedsColumnsUnderOneHeader() throws Exception {
        Path file = dir.resolve(SizeHistory.FILE_NAME);
        SizeHistory.append(file, row("2025-11-03T02:00:00Z", "app", "daily", 81_234, 0.42));
        SizeHistory.append(file, row("2025-11-04T02:00:00Z", "app", "daily", 82_000, 1.0));
        assertEquals(List.of("timestamp,database,type,bytes,duration_s",
                "2025-11-03T02:00:00Z,app,daily,81234,0.4",
                "2025-11-04T02:00:00Z,app,daily,82000,1.0"), Files.readAllLines(file));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void readsBackSkippingLinesThatDoNotParse() throws Exception {
        Path file = Files.writeString(dir.resolve("h.csv"), String.join("\n",
                "timestamp,database,type,bytes,duration_s",
                "2025-11-04T02:00:00Z,app,daily,200,1.0",
                "2025-11-03T02:00:00Z,app,daily,100,3.0",
                "garbage line",
                "2025-11-05T02:00,app,daily,1,1",
                ""));
        List<SizeHistory.Row> rows = SizeHistory.read(file);
        assertEquals(2, rows.size());
        assertEquals(Instant.parse("2025-11-03T02:00:00Z"), rows.get(0).timestamp(), "oldest first");
        assertEquals(List.of(), SizeHistory.read(dir.resolve("missing.csv")));
    }

    @Test
    void trendPerDatabaseAndTypeShowsGrowthAndASparkline() {
        List<SizeTrend> trends = SizeTrend.of(List.of(
                row("2025-11-01T02:00:00Z", "app", "monthly", 500, 2),
                row("2025-11-02T02:00:00Z", "app", "daily", 1000, 1),
                row("2025-11-03T02:00:00Z", "app", "daily", 1100, 2),
                row("2025-11-04T02:00:00Z", "app", "daily", 1500, 3),
                row("2025-11-04T03:00:00Z", "billing", "daily", 0, 1),
                row("2025-11-05T03:00:00Z", "billing", "daily", 10, 1)));
        assertEquals(3, trends.size());
        SizeTrend daily = trends.get(1);
        assertEquals("app", daily.database());
        assertEquals("daily", daily.type());
        assertEquals(3, daily.backups());
        assertEquals(1500, daily.latestBytes());
        assertEquals(1000, daily.minBytes());
        assertEquals(1200, daily.averageBytes());
        assertEquals(1500, daily.maxBytes());
        assertEquals(50.0, daily.changePercent(), 1e-9);
        assertEquals(2.0, daily.averageSeconds(), 1e-9);
        assertEquals("▁▂█", daily.sparkline());
        assertNull(trends.get(2).changePercent(), "growth from an empty first backup has no percentage");
        assertEquals("▄", trends.get(0).sparkline(), "one value: a middle bar");
    }
}
