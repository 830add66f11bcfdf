package dev.dbbackup.retention;

import dev.dbbackup.catalog.BackupType;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * Decides which backups to keep and which to delete, with every reason, as a pure function of its arguments.
 *
 * <p>Both methods return one decision per input backup, newest first (ties by id), so the result does not
 * depend on the order of the input and prints the way {@code prune --dry-run} and {@code list} show it.
 */
public final class RetentionPlanner {

    static final String NEWEST_VALID = "newest valid backup";
    static final String FUTURE = "dated in the future";
    static final String NO_VALID = "no valid backup: nothing deleted";
    static final String BEFORE_GAP = "before a gap longer than retention reaches (clock jump or outage?), not deleted for age"
            + " ('prune --keep-last N' deletes it)";

    private static final Comparator<RetentionCandidate> NEWEST_FIRST =
            Comparator.comparing(RetentionCandidate::createdAt).reversed()
                    // same second: backup_…_1 was written after backup_… (ids sort in writing order), so it is newer
                    .thenComparing(RetentionCandidate::id, Comparator.reverseOrder());

    private RetentionPlanner() {
    }

    /**
     * Grandfather-father-son over calendar buckets in {@code zone}: the newest backup of each of the last
     * {@code policy.days()} days, {@code weeks()} ISO weeks and {@code months()} months, counting the ones
     * that contain {@code now}. Within a bucket a valid backup beats an invalid one, then (for weeks and
     * months) the rotation type beats age: a weekly or monthly backup holds its week, a monthly its month.
     *
     * <p>Safety rules override the buckets. The newest valid backup dated at or before {@code now} is kept.
     * Backups dated after {@code now} are kept and take no bucket: their clock is suspect, so they must not
     * push a real backup out. When no backup dated at or before {@code now} is valid, nothing is deleted:
     * the planner cannot tell which file would restore, and deleting could remove the only one that does.
     */
    public static List<RetentionDecision> plan(
            List<RetentionCandidate> backups, RetentionPolicy policy, Instant now, ZoneId zone) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(zone, "zone");
        List<RetentionCandidate> sorted = newestFirst(backups);
        List<RetentionCandidate> dated = sorted.stream().filter(c -> !c.createdAt().isAfter(now)).toList();
        LocalDateTime current = LocalDateTime.ofInstant(now, zone);

        Map<String, List<String>> keepReasons = new HashMap<>();
        Map<String, Map<String, List<String>>> lostTo = new HashMap<>(); // loser id -> winner id -> bucket labels
        for (Bucket kind : Bucket.values()) {
            int count = kind.count(policy);
            if (count == 0) {
                continue;
            }
            LocalDateTime oldest = kind.minus(kind.start(current), count - 1L);
            Map<LocalDateTime, List<RetentionCandidate>> buckets = dated.stream()
                    .collect(Collectors.groupingBy(c -> kind.start(LocalDateTime.ofInstant(c.createdAt(), zone)),
                            LinkedHashMap::new, Collectors.toList()));
            buckets.forEach((start, members) -> {
                if (start.isBefore(oldest)) {
                    return;
                }
                String label = kind.label(start);
                RetentionCandidate winner = members.stream().min(kind.preference()).orElseThrow();
                add(keepReasons, winner, winner.valid() ? label : label + " (no valid backup in it)");
                members.stream().filter(c -> c != winner).forEach(c -> lostTo
                        .computeIfAbsent(c.id(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(winner.id(), k -> new ArrayList<>()).add(label));
            });
        }

        Optional<RetentionCandidate> newestValid = dated.stream().filter(RetentionCandidate::valid).findFirst();
        newestValid.ifPresent(c -> add(keepReasons, c, NEWEST_VALID));
        Optional<RetentionCandidate> beforeGap = beforeNewestGap(dated, policy, zone);
        List<RetentionDecision> decisions = new ArrayList<>();
        for (RetentionCandidate c : sorted) {
            List<String> reasons = new ArrayList<>(keepReasons.getOrDefault(c.id(), List.of()));
            if (c.createdAt().isAfter(now)) {
                reasons.add(FUTURE);
            } else if (newestValid.isEmpty()) {
                reasons.add(NO_VALID);
            }
            boolean keep = !reasons.isEmpty();
            if (!keep) {
                lostTo.getOrDefault(c.id(), Map.of()).forEach((winner, labels) ->
                        reasons.add("superseded by " + winner + " in " + String.join(", ", labels)));
            }
            if (reasons.isEmpty() && beforeGap.isPresent() && !c.createdAt().isAfter(beforeGap.get().createdAt())) {
                reasons.add(BEFORE_GAP);
                keep = true;
            }
            if (reasons.isEmpty()) {
                reasons.add(outsideRetention(policy));
            }
            decisions.add(new RetentionDecision(c, keep, List.copyOf(reasons)));
        }
        return List.copyOf(decisions);
    }

    /**
     * The backup just before the newest gap between two consecutive backups that is longer than the policy reaches back (its
     * longest span of days, weeks or months). Such a gap means the clock jumped ahead (or the host was down that long):
     * age alone then deletes nothing at or before it, so one run under a wrong clock cannot wipe the backups out.
     */
    private static Optional<RetentionCandidate> beforeNewestGap(List<RetentionCandidate> datedNewestFirst, RetentionPolicy policy, ZoneId zone) {
        if (policy.keepsNothing()) {
            return Optional.empty();
        }
        for (int i = 0; i + 1 < datedNewestFirst.size(); i++) {
            RetentionCandidate newer = datedNewestFirst.get(i);
            RetentionCandidate older = datedNewestFirst.get(i + 1);
            LocalDate from = LocalDate.ofInstant(older.createdAt(), zone);
            LocalDate reach = from.plusDays(Math.max(policy.days(), (policy.hours() + 23) / 24));
            reach = max(reach, from.plusWeeks(policy.weeks()));
            reach = max(reach, from.plusMonths(policy.months()));
            reach = max(reach, from.plusYears(policy.years()));
            if (LocalDate.ofInstant(newer.createdAt(), zone).isAfter(reach)) {
                return Optional.of(older);
            }
        }
        return Optional.empty();
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    /**
     * The emergency recipe {@code prune --keep-last N}: keep the {@code n} newest valid backups (and always the
     * newest valid one, even for {@code n = 0}), delete everything else, including invalid backups. As in
     * {@link #plan}, when no backup is valid nothing is deleted. There is no clock here, so a backup dated in
     * the future simply counts as newest.
     */
    public static List<RetentionDecision> keepLast(List<RetentionCandidate> backups, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("keep-last needs a count of zero or more, got " + n);
        }
        List<RetentionCandidate> sorted = newestFirst(backups);
        boolean anyValid = sorted.stream().anyMatch(RetentionCandidate::valid);
        String notKept = n <= 1 ? "not the newest valid backup" : "not one of the " + n + " newest valid backups";
        List<RetentionDecision> decisions = new ArrayList<>();
        int rank = 0; // among valid backups, newest first
        for (RetentionCandidate c : sorted) {
            List<String> reasons = new ArrayList<>();
            if (!anyValid) {
                reasons.add(NO_VALID);
            } else if (c.valid()) {
                rank++;
                if (rank <= n) {
                    reasons.add("keep-last " + n + ": valid backup " + rank + " of " + n);
                }
                if (rank == 1) {
                    reasons.add(NEWEST_VALID);
                }
            }
            boolean keep = !reasons.isEmpty();
            if (!keep) {
                reasons.add("keep-last " + n + ": " + (c.valid() ? notKept : "not valid"));
            }
            decisions.add(new RetentionDecision(c, keep, List.copyOf(reasons)));
        }
        return List.copyOf(decisions);
    }

    private static List<RetentionCandidate> newestFirst(List<RetentionCandidate> backups) {
        Objects.requireNonNull(backups, "backups");
        Set<String> ids = new HashSet<>();
        for (RetentionCandidate c : backups) {
            if (!ids.add(c.id())) {
                throw new IllegalArgumentException("backup " + c.id() + " is listed twice; list each backup once");
            }
        }
        return backups.stream().sorted(NEWEST_FIRST).toList();
    }

    private static void add(Map<String, List<String>> reasons, RetentionCandidate c, String reason) {
        reasons.computeIfAbsent(c.id(), k -> new ArrayList<>()).add(reason);
    }

    private static String outsideRetention(RetentionPolicy policy) {
        List<String> spans = new ArrayList<>();
        for (Bucket kind : Bucket.values()) {
            int count = kind.count(policy);
            if (count > 0) {
                spans.add(count + " " + kind.unit + (count == 1 ? "" : "s"));
            }
        }
        return spans.isEmpty()
                ? "outside retention: policy keeps no daily, weekly or monthly backups"
                : "outside retention: older than " + String.join(", ", spans);
    }

    /** The calendar bucket kinds; a bucket is identified by the local time it starts at. */
    private enum Bucket {
        HOURLY("hour", RetentionPolicy::hours, t -> 0),
        DAILY("day", RetentionPolicy::days, t -> 0),
        WEEKLY("week", RetentionPolicy::weeks, t -> t == BackupType.DAILY ? 0 : 1),
        MONTHLY("month", RetentionPolicy::months, t -> switch (t) {
            case MONTHLY -> 2;
            case WEEKLY -> 1;
            case DAILY -> 0;
        }),
        YEARLY("year", RetentionPolicy::years, t -> t == BackupType.MONTHLY ? 1 : 0);

        final String unit;
        private final ToIntFunction<RetentionPolicy> count;
        private final ToIntFunction<BackupType> typeRank;

        Bucket(String unit, ToIntFunction<RetentionPolicy> count, ToIntFunction<BackupType> typeRank) {
            this.unit = unit;
            this.count = count;
            this.typeRank = typeRank;
        }

        int count(RetentionPolicy policy) {
            return count.applyAsInt(policy);
        }

        /** Best first: valid, then the type this bucket prefers, then newest. */
        Comparator<RetentionCandidate> preference() {
            return Comparator.comparing(RetentionCandidate::valid).reversed()
                    .thenComparing(Comparator.comparingInt((RetentionCandidate c) -> typeRank.applyAsInt(c.type()))
                            .reversed())
                    .thenComparing(NEWEST_FIRST);
        }

        LocalDateTime start(LocalDateTime time) {
            LocalDate date = time.toLocalDate();
            return switch (this) {
                case HOURLY -> time.truncatedTo(ChronoUnit.HOURS);
                case DAILY -> date.atStartOfDay();
                case WEEKLY -> date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay();
                case MONTHLY -> date.withDayOfMonth(1).atStartOfDay();
                case YEARLY -> date.withDayOfYear(1).atStartOfDay();
            };
        }

        LocalDateTime minus(LocalDateTime start, long units) {
            return switch (this) {
                case HOURLY -> start.minusHours(units);
                case DAILY -> start.minusDays(units);
                case WEEKLY -> start.minusWeeks(units);
                case MONTHLY -> start.minusMonths(units);
                case YEARLY -> start.minusYears(units);
            };
        }

        String label(LocalDateTime start) {
            return switch (this) {
                case HOURLY -> String.format(Locale.ROOT, "hourly %s %02d:00", start.toLocalDate(), start.getHour());
                case DAILY -> "daily " + start.toLocalDate();
                case WEEKLY -> String.format(Locale.ROOT, "weekly %d-W%02d",
                        start.get(IsoFields.WEEK_BASED_YEAR), start.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
                case MONTHLY -> "monthly " + YearMonth.from(start);
                case YEARLY -> "yearly " + start.getYear();
            };
        }
    }
}
