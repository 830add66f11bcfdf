package dev.dbbackup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.catalog.BackupType;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPlannerTest {

    private static final Instant NOW = Instant.parse("2025-11-03T12:00:00Z");

    /** The seed's cron for the given days: 02:00 UTC, type auto. */
    private static List<RetentionCandidate> seedHistory(String first, String last) {
        List<RetentionCandidate> backups = new ArrayList<>();
        for (LocalDate d = LocalDate.parse(first); !d.isAfter(LocalDate.parse(last)); d = d.plusDays(1)) {
            BackupType type = BackupType.auto(d);
            String id = String.format("%s/backup_%s_%s_020000.sql.gz", type.word(), type.word(),
                    d.toString().replace("-", ""));
            backups.add(new RetentionCandidate(id, type, d.atTime(2, 0).toInstant(ZoneOffset.UTC), true));
        }
        return backups;
    }

    private static List<String> kept(List<RetentionDecision> plan) {
        return new RetentionPlan(plan).toKeep().stream().map(RetentionCandidate::id).toList();
    }

    @Test
    void defaultPolicyOnSixtyDaysKeepsTheLastWeekTheSundaysAndTheFirstsOfTheMonth() {
        List<RetentionDecision> plan =
                RetentionPlanner.plan(seedHistory("2025-09-05", "2025-11-03"), RetentionPolicy.defaults(), NOW, ZoneOffset.UTC);

        assertEquals(List.of(
                "daily/backup_daily_20251103_020000.sql.gz",
                "weekly/backup_weekly_20251102_020000.sql.gz",
                "monthly/backup_monthly_20251101_020000.sql.gz",
                "daily/backup_daily_20251031_020000.sql.gz",
                "daily/backup_daily_20251030_020000.sql.gz",
                "daily/backup_daily_20251029_020000.sql.gz",
                "daily/backup_daily_20251028_020000.sql.gz",
                "weekly/backup_weekly_20251026_020000.sql.gz",
                "weekly/backup_weekly_20251019_020000.sql.gz",
                "monthly/backup_monthly_20251001_020000.sql.gz",
                "weekly/backup_weekly_20250928_020000.sql.gz"), kept(plan));
        assertEquals(60 - 11, new RetentionPlan(plan).toDelete().size());
    }

    @Test
    void nothingIsDeletedWhenTheOnlyValidBackupIsDatedInTheFuture() {
        List<RetentionCandidate> backups = new ArrayList<>(seedHistory("2025-10-01", "2025-11-03"));
        backups.replaceAll(b -> new RetentionCandidate(b.id(), b.type(), b.createdAt(), false));
        backups.add(new RetentionCandidate("daily/backup_daily_20301231_020000.sql.gz", BackupType.DAILY,
                Instant.parse("2030-12-31T02:00:00Z"), true));

        List<RetentionDecision> plan = RetentionPlanner.plan(backups, RetentionPolicy.defaults(), NOW, ZoneOffset.UTC);

        assertTrue(plan.stream().allMatch(RetentionDecision::keep), "a backup with a suspect clock must not license deletes");
        assertEquals(List.of("dated in the future"), plan.get(0).reasons());
        assertTrue(plan.get(1).reasons().contains("no valid backup: nothing deleted"), plan.get(1).toString());
    }

    @Test
    void hugeRetentionCountsKeepEveryBucketWithoutEnumeratingThem() {
        RetentionPolicy forever = new RetentionPolicy(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
        List<RetentionCandidate> backups = seedHistory("2020-01-01", "2025-11-03");

        List<RetentionDecision> plan = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> RetentionPlanner.plan(backups, forever, NOW, ZoneOffset.UTC));

        assertTrue(plan.stream().allMatch(RetentionDecision::keep));
    }

    @Test
    void emptyHistoryGivesAnEmptyPlan() {
        assertEquals(List.of(), RetentionPlanner.plan(List.of(), RetentionPolicy.defaults(), NOW, ZoneOffset.UTC));
        assertEquals(List.of(), RetentionPlanner.keepLast(List.of(), 3));
    }

    @Test
    void aBackupListedTwiceIsRefusedWithItsName() {
        List<RetentionCandidate> twice = List.of(seedHistory("2025-11-03", "2025-11-03").get(0),
                seedHistory("2025-11-03", "2025-11-03").get(0));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RetentionPlanner.plan(twice, RetentionPolicy.defaults(), NOW, ZoneOffset.UTC));

        assertEquals("backup daily/backup_daily_20251103_020000.sql.gz is listed twice; list each backup once",
                e.getMessage());
    }

    @Test
    void keepLastDeletesNothingWhenNoBackupIsValid() {
        List<RetentionCandidate> backups = new ArrayList<>(seedHistory("2025-10-28", "2025-11-03"));
        backups.replaceAll(b -> new RetentionCandidate(b.id(), b.type(), b.createdAt(), false));

        List<RetentionDecision> plan = RetentionPlanner.keepLast(backups, 3);

        assertEquals(7, plan.size());
        plan.forEach(d -> assertEquals(List.of("no valid backup: nothing deleted"), d.reasons()));
        assertEquals(List.of(), new RetentionPlan(plan).toDelete());
    }

    @Test
    void keepLastRefusesANegativeCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RetentionPlanner.keepLast(List.of(), -1));
        assertEquals("keep-last needs a count of zero or more, got -1", e.getMessage());
    }

    @Test
    void retentionPlanSplitsDecisionsInPlannerOrder() {
        List<RetentionDecision> decisions = RetentionPlanner.keepLast(seedHistory("2025-10-30", "2025-11-03"), 2);

        RetentionPlan plan = new RetentionPlan(decisions);

        assertEquals(List.of("daily/backup_daily_20251103_020000.sql.gz", "weekly/backup_weekly_20251102_020000.sql.gz"),
                plan.toKeep().stream().map(RetentionCandidate::id).toList());
        assertEquals(List.of("monthly/backup_monthly_20251101_020000.sql.gz", "daily/backup_daily_20251031_020000.sql.gz",
                "daily/backup_daily_20251030_020000.sql.gz"), plan.toDelete().stream().map(RetentionCandidate::id).toList());
    }
}
