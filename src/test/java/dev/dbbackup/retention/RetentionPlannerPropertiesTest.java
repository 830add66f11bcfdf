package dev.dbbackup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.catalog.BackupType;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random histories from a fixed seed; each case is named by its index in the failure message. */
class RetentionPlannerPropertiesTest {

    private static final int CASES = 500;
    private static final List<ZoneId> ZONES = List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"),
            ZoneId.of("America/New_York"), ZoneId.of("Australia/Lord_Howe"), ZoneId.of("Pacific/Kiritimati"),
            ZoneId.of("America/St_Johns"));

    private record Case(int index, List<RetentionCandidate> backups, RetentionPolicy policy, Instant now, ZoneId zone) {
        @Override
        public String toString() {
            return "case " + index + " (" + policy + ", now " + now + ", " + zone + ", " + backups.size() + " backups)";
        }
    }

    @Test
    void newestValidBackupIsNeverDeleted() {
        for (Case c : cases()) {
            List<RetentionDecision> plan = RetentionPlanner.plan(c.backups(), c.policy(), c.now(), c.zone());
            c.backups().stream().filter(b -> b.valid() && !b.createdAt().isAfter(c.now()))
                    .map(RetentionCandidate::createdAt).max(Comparator.naturalOrder())
                    .ifPresent(newest -> {
                        // Backups made in the same second are equally new: exactly one of them carries the reason.
                        List<RetentionDecision> newestValid = plan.stream()
                                .filter(d -> d.candidate().valid() && d.candidate().createdAt().equals(newest))
                                .filter(d -> d.reasons().contains("newest valid backup")).toList();
                        assertEquals(1, newestValid.size(), c + ": newest valid at " + newest + ": " + newestValid);
                        assertTrue(newestValid.get(0).keep(), c + ": deleted " + newestValid.get(0));
                    });
        }
    }

    @Test
    void everyBackupGetsOneDecisionWithAReason() {
        for (Case c : cases()) {
            List<RetentionDecision> plan = RetentionPlanner.plan(c.backups(), c.policy(), c.now(), c.zone());
            assertEquals(c.backups().size(), plan.size(), c.toString());
            assertEquals(c.backups().stream().map(RetentionCandidate::id).sorted().toList(),
                    plan.stream().map(d -> d.candidate().id()).sorted().toList(), c.toString());
            plan.forEach(d -> assertFalse(d.reasons().isEmpty(), c + ": no reason for " + d));
        }
    }

    @Test
    void futureBackupsAreKeptAndNothingIsDeletedWithoutAValidBackup() {
        for (Case c : cases()) {
            List<RetentionDecision> plan = RetentionPlanner.plan(c.backups(), c.policy(), c.now(), c.zone());
            boolean anyValid = c.backups().stream().anyMatch(b -> b.valid() && !b.createdAt().isAfter(c.now()));
            for (RetentionDecision d : plan) {
                if (d.candidate().createdAt().isAfter(c.now())) {
                    assertEquals(List.of("dated in the future"), d.reasons(), c.toString());
                }
                if (!anyValid) {
                    assertTrue(d.keep(), c + ": deleted " + d + " although no backup is valid");
                }
            }
        }
    }

    @Test
    void eachBucketInRangeKeepsExactlyOneBackupAndPrefersValid() {
        for (Case c : cases()) {
            List<RetentionDecision> plan = RetentionPlanner.plan(c.backups(), c.policy(), c.now(), c.zone());
            LocalDate today = LocalDate.ofInstant(c.now(), c.zone());
            Map<String, List<RetentionCandidate>> expected = new HashMap<>();
            for (RetentionCandidate b : c.backups()) {
                if (b.createdAt().isAfter(c.now())) {
                    continue;
                }
                LocalDate day = LocalDate.ofInstant(b.createdAt(), c.zone());
                if (ChronoUnit.DAYS.between(day, today) < c.policy().days()) {
                    expected.computeIfAbsent("daily " + day, k -> new ArrayList<>()).add(b);
                }
                if (ChronoUnit.WEEKS.between(monday(day), monday(today)) < c.policy().weeks()) {
                    String week = "weekly " + day.format(DateTimeFormatter.ISO_WEEK_DATE).substring(0, 8);
                    expected.computeIfAbsent(week, k -> new ArrayList<>()).add(b);
                }
                if (ChronoUnit.MONTHS.between(YearMonth.from(day), YearMonth.from(today)) < c.policy().months()) {
                    expected.computeIfAbsent("monthly " + YearMonth.from(day), k -> new ArrayList<>()).add(b);
                }
            }
            Map<String, List<RetentionCandidate>> kept = new HashMap<>();
            for (RetentionDecision d : plan) {
                for (String reason : d.reasons()) {
                    if (d.keep() && reason.matches("(daily|weekly|monthly) \\S+( \\(no valid backup in it\\))?")) {
                        kept.computeIfAbsent(reason.split(" ")[0] + " " + reason.split(" ")[1],
                                k -> new ArrayList<>()).add(d.candidate());
                    }
                }
            }
            assertEquals(expected.keySet(), kept.keySet(), c.toString());
            expected.forEach((label, members) -> {
                assertEquals(1, kept.get(label).size(), c + ": " + label + " kept " + kept.get(label));
                RetentionCandidate winner = kept.get(label).get(0);
                assertTrue(members.contains(winner), c + ": " + label + " kept a backup from elsewhere");
                assertEquals(members.stream().anyMatch(RetentionCandidate::valid), winner.valid(), c + ": " + label);
                if (label.startsWith("daily ")) {
                    Instant newest = members.stream().filter(m -> m.valid() == winner.valid())
                            .map(RetentionCandidate::createdAt).max(Comparator.naturalOrder()).orElseThrow();
                    assertEquals(newest, winner.createdAt(), c + ": " + label + " did not keep the newest");
                }
            });
        }
    }

    @Test
    void planIsDeterministicAndIndependentOfInputOrder() {
        Random random = new Random(7);
        for (Case c : cases()) {
            List<RetentionDecision> first = RetentionPlanner.plan(c.backups(), c.policy(), c.now(), c.zone());
            List<RetentionCandidate> shuffled = new ArrayList<>(c.backups());
            Collections.shuffle(shuffled, random);
            assertEquals(first, RetentionPlanner.plan(shuffled, c.policy(), c.now(), c.zone()), c.toString());
            assertEquals(first, RetentionPlanner.plan(c.backups(), c.policy(), c.now(), c.zone()), c.toString());
            int n = random.nextInt(6);
            assertEquals(RetentionPlanner.keepLast(c.backups(), n), RetentionPlanner.keepLast(shuffled, n), c.toString());
        }
    }

    @Test
    void keepLastKeepsTheNewestValidBackupsAndNothingElse() {
        Random random = new Random(11);
        for (Case c : cases()) {
            int n = random.nextInt(8);
            List<RetentionDecision> plan = RetentionPlanner.keepLast(c.backups(), n);
            List<RetentionCandidate> valid = c.backups().stream().filter(RetentionCandidate::valid)
                    .sorted(Comparator.comparing(RetentionCandidate::createdAt).reversed()
                            .thenComparing(RetentionCandidate::id, Comparator.reverseOrder()))
                    .toList();
            List<RetentionCandidate> kept = plan.stream().filter(RetentionDecision::keep)
                    .map(RetentionDecision::candidate).toList();
            if (valid.isEmpty()) {
                assertEquals(c.backups().size(), kept.size(), c + ": keep-last " + n + " deleted without a valid backup");
            } else {
                assertEquals(valid.subList(0, Math.min(Math.max(n, 1), valid.size())), kept, c + ": keep-last " + n);
            }
        }
    }

    private static List<Case> cases() {
        Random random = new Random(20251103);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            Instant now = Instant.parse("2019-01-01T00:00:00Z").plusSeconds(random.nextInt(12 * 365 * 86_400));
            RetentionPolicy policy = new RetentionPolicy(random.nextInt(10), random.nextInt(7), random.nextInt(15));
            List<RetentionCandidate> backups = new ArrayList<>();
            int count = random.nextInt(70);
            for (int j = 0; j < count; j++) {
                Instant at;
                if (j > 0 && random.nextInt(10) == 0) {
                    at = backups.get(random.nextInt(j)).createdAt(); // same second as another backup
                } else if (random.nextInt(20) == 0) {
                    at = now.plus(Duration.ofMinutes(1 + random.nextInt(60 * 24 * 40)));
                } else {
                    at = now.minus(Duration.ofMinutes(random.nextInt(60 * 24 * 500)));
                }
                BackupType type = BackupType.values()[random.nextInt(3)];
                backups.add(new RetentionCandidate("b" + j, type, at, random.nextInt(5) != 0));
            }
            if (i % 10 == 0) {
                backups.replaceAll(b -> new RetentionCandidate(b.id(), b.type(), b.createdAt(), false));
            }
            cases.add(new Case(i, List.copyOf(backups), policy, now, ZONES.get(random.nextInt(ZONES.size()))));
        }
        return cases;
    }

    private static LocalDate monday(LocalDate day) {
        return day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }
}
