package dev.dbbackup.metrics;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The size trend of one database and backup type, from the size history: how big, how fast it grows.
 *
 * @param recent    sizes of the newest backups (at most {@link #RECENT}), oldest first, for a sparkline
 * @param changePercent growth from the first to the latest backup in percent; null when the first was empty
 */
@RegisterForReflection
public record SizeTrend(String database, String type, int backups, Instant first, Instant latest, long latestBytes,
                        long minBytes, long averageBytes, long maxBytes, Double changePercent, double averageSeconds,
                        List<Long> recent) {

    public static final int RECENT = 20;

    /** One trend per database and type, in the order they first appear in the history. */
    public static List<SizeTrend> of(List<SizeHistory.Row> rows) {
        Map<String, List<SizeHistory.Row>> groups = new LinkedHashMap<>();
        for (SizeHistory.Row row : rows) {
            groups.computeIfAbsent(row.database() + "\u0000" + row.type(), k -> new ArrayList<>()).add(row);
        }
        List<SizeTrend> trends = new ArrayList<>();
        for (List<SizeHistory.Row> group : groups.values()) {
            trends.add(ofGroup(group));
        }
        return trends;
    }

    private static SizeTrend ofGroup(List<SizeHistory.Row> group) {
        SizeHistory.Row first = group.get(0);
        SizeHistory.Row latest = group.get(group.size() - 1);
        long min = Long.MAX_VALUE;
        long max = 0;
        long sum = 0;
        double seconds = 0;
        for (SizeHistory.Row row : group) {
            min = Math.min(min, row.bytes());
            max = Math.max(max, row.bytes());
            sum += row.bytes();
            seconds += row.durationSeconds();
        }
        Double change = first.bytes() == 0 ? null : (latest.bytes() - first.bytes()) * 100.0 / first.bytes();
        List<Long> recent = group.subList(Math.max(0, group.size() - RECENT), group.size()).stream().map(SizeHistory.Row::bytes).toList();
        return new SizeTrend(first.database(), first.type(), group.size(), first.timestamp(), latest.timestamp(), latest.bytes(),
                min, sum / group.size(), max, change, seconds / group.size(), recent);
    }

    /** The time the trend covers. */
    public Duration span() {
        return Duration.between(first, latest);
    }

    /** The recent sizes as a row of block characters, low to high. */
    public String sparkline() {
        String blocks = "▁▂▃▄▅▆▇█";
        long lo = recent.stream().mapToLong(Long::longValue).min().orElse(0);
        long hi = recent.stream().mapToLong(Long::longValue).max().orElse(0);
        StringBuilder line = new StringBuilder();
        for (long value : recent) {
            int index = hi == lo ? 3 : (int) Math.round((value - lo) * 7.0 / (hi - lo));
            line.append(blocks.charAt(index));
        }
        return line.toString();
    }
}
