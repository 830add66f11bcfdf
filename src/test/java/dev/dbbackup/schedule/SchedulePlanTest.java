package dev.dbbackup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.SettingSources;
import dev.dbbackup.config.Settings;
import dev.dbbackup.config.SettingsResolver;
import dev.dbbackup.operation.alert.AlertEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulePlanTest {

    @TempDir
    Path dir;

    private static SchedulePlan plan(Map<String, String> flags, Map<String, String> env) {
        SettingSources sources = new SettingSources(flags, env, Map.of());
        Settings global = SettingsResolver.resolve(sources);
        return SchedulePlan.resolve(sources, global);
    }

    @Test
    void singleDatabaseDefaultsToTheSeedsNightlyBackup() {
        SchedulePlan plan = plan(Map.of(), Map.of("DATABASE_URL", "sqlite:///./app.db"));
        assertEquals(1, plan.targets().size());
        ScheduleTarget target = plan.targets().get(0);
        assertEquals("app.db", target.name());
        assertEquals("0 2 * * *", target.backups().text());
        assertEquals("UTC", target.backups().zone().getId());
        assertTrue(target.testRestore().isEmpty());
        assertEquals(TestRestorePolicy.WEEKLY, target.testRestorePolicy(), "a new backup is test-restored at least weekly");
        assertTrue(plan.catchUp());
        assertEquals(Duration.ofSeconds(5), plan.shutdownGrace());
        assertEquals(3, target.retry().retries());
        assertEquals(Duration.ofSeconds(30), target.retry().firstDelay());
    }

    @Test
    void flagsAndEnvironmentSetScheduleZoneRetriesAndTestRestores() {
        SchedulePlan plan = plan(Map.of("BACKUP_SCHEDULE", "30 1 * * *", "BACKUP_CATCH_UP", "false"),
                Map.of("BACKUP_TIMEZONE", "Europe/Berlin", "BACKUP_TEST_RESTORE_SCHEDULE", "0 5 * * 0", "BACKUP_RETRIES", "5",
                        "BACKUP_RETRY_DELAY", "1m", "BACKUP_SHUTDOWN_GRACE", "2m", "BACKUP_ALERT_WEBHOOK_URL", "http://hooks.test/x"));
        ScheduleTarget target = plan.targets().get(0);
        assertEquals("30 1 * * *", target.backups().text());
        assertEquals("Europe/Berlin", target.backups().zone().getId());
        assertEquals("0 5 * * 0", target.testRestore().orElseThrow().text());
        assertEquals(TestRestorePolicy.NEVER, target.testRestorePolicy(), "an explicit test-restore cron replaces the policy");
        assertFalse(plan.catchUp());
        assertEquals(Duration.ofMinutes(2), plan.shutdownGrace());
        assertEquals(5, target.retry().retries());
        assertTrue(target.alerts().wants(AlertEvent.Kind.FAILURE));
    }

    @Test
    void theTestRestorePolicyIsReadAndAConflictWithTheCronOrAnUnknownValueIsRefused() {
        assertEquals(TestRestorePolicy.AFTER_EACH, plan(Map.of("BACKUP_TEST_RESTORE", "after-each"),
                Map.of("DATABASE_URL", "sqlite:///./app.db")).targets().get(0).testRestorePolicy());
        assertEquals(TestRestorePolicy.NEVER, plan(Map.of(), Map.of("DATABASE_URL", "sqlite:///./app.db",
                "BACKUP_TEST_RESTORE", " Never ")).targets().get(0).testRestorePolicy());
        ConfigException both = assertThrows(ConfigException.class, () -> plan(Map.of("BACKUP_TEST_RESTORE", "daily"),
                Map.of("DATABASE_URL", "sqlite:///./app.db", "BACKUP_TEST_RESTORE_SCHEDULE", "0 5 * * 0")));
        assertEquals("BACKUP_TEST_RESTORE and BACKUP_TEST_RESTORE_SCHEDULE are both set", both.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class, () -> plan(Map.of(),
                Map.of("DATABASE_URL", "sqlite:///./app.db", "BACKUP_TEST_RESTORE", "monthly")));
        assertEquals("BACKUP_TEST_RESTORE must be never, after-each, daily or weekly, got 'monthly'", unknown.getMessage());
    }

    @Test
    void periodicTestRestoresAreDueWhenNonePassedWithinThePeriod() {
        java.time.Instant now = java.time.Instant.parse("2025-11-10T02:00:00Z");
        java.util.Optional<java.time.Instant> sixDaysAgo = java.util.Optional.of(now.minus(Duration.ofDays(6)));
        java.util.Optional<java.time.Instant> eightDaysAgo = java.util.Optional.of(now.minus(Duration.ofDays(8)));
        assertTrue(TestRestorePolicy.WEEKLY.due(sixDaysAgo, now).isEmpty());
        assertEquals("BACKUP_TEST_RESTORE=weekly: the last test-restore that passed was 192.0 h ago",
                TestRestorePolicy.WEEKLY.due(eightDaysAgo, now).orElseThrow());
        assertEquals("BACKUP_TEST_RESTORE=weekly: no test-restore has passed yet",
                TestRestorePolicy.WEEKLY.due(java.util.Optional.empty(), now).orElseThrow());
        assertTrue(TestRestorePolicy.DAILY.due(sixDaysAgo, now).isPresent());
        assertTrue(TestRestorePolicy.AFTER_EACH.due(java.util.Optional.of(now), now).isPresent());
        assertTrue(TestRestorePolicy.NEVER.due(java.util.Optional.empty(), now).isEmpty());
    }

    @Test
    void retryDelaysDoubleUpToTheCap() {
        RetryPolicy retry = new RetryPolicy(10, Duration.ofSeconds(30), Duration.ofMinutes(15));
        assertEquals(Duration.ofSeconds(30), retry.delayBefore(1));
        assertEquals(Duration.ofMinutes(1), retry.delayBefore(2));
        assertEquals(Duration.ofMinutes(2), retry.delayBefore(3));
        assertEquals(Duration.ofMinutes(15), retry.delayBefore(9));
    }

    @Test
    void targetsFileGivesEachDatabaseItsOwnSettingsAndFolder() throws Exception {
        Path secret = Files.writeString(dir.resolve("billing_password"), "s3cret\n");
        Path file = Files.writeString(dir.resolve("targets.ini"), String.join("\n",
                "# common to every target",
                "BACKUP_RETENTION_DAYS=14",
                "",
                "[app]",
                "DATABASE_URL=sqlite:///" + dir.resolve("app.db"),
                "",
                "[billing]",
                "DATABASE_URL=postgresql://billing@db:5432/billing",
                "DATABASE_PASSWORD_FILE=" + secret,
                "BACKUP_SCHEDULE=30 3 * * *   # after the nightly batch",
                "BACKUP_DIR=" + dir.resolve("billing-backups"),
                "BACKUP_RETENTION_DAYS=3",
                ""));
        SchedulePlan plan = plan(Map.of("BACKUP_TARGETS_FILE", file.toString(), "BACKUP_DIR", dir.resolve("all").toString()),
                Map.of("DATABASE_URL", "sqlite:///./ignored.db", "BACKUP_RETENTION_DAYS", "7"));
        assertEquals(2, plan.targets().size());
        ScheduleTarget app = plan.targets().get(0);
        ScheduleTarget billing = plan.targets().get(1);
        assertEquals("app", app.name());
        assertEquals("app", app.settings().name());
        assertEquals(dir.resolve("app.db"), app.settings().databaseUrl().sqlitePath());
        assertEquals(dir.resolve("all").resolve("app"), app.settings().backupDir(), "a target without BACKUP_DIR gets a folder of its own");
        assertEquals(14, app.settings().retention().days(), "the top of the file applies to every target");
        assertEquals("0 2 * * *", app.backups().text());
        assertEquals("billing", billing.settings().name());
        assertEquals("s3cret", billing.settings().databaseUrl().password(), "DATABASE_PASSWORD_FILE in a section is read");
        assertEquals("30 3 * * *", billing.backups().text());
        assertEquals(dir.resolve("billing-backups"), billing.settings().backupDir());
        assertEquals(3, billing.settings().retention().days());
    }

    @Test
    void targetsFileMistakesAreNamedWithTheLine() throws Exception {
        Path noUrl = Files.writeString(dir.resolve("no-url.ini"), "[app]\nBACKUP_SCHEDULE=0 2 * * *\n");
        ConfigException missing = assertThrows(ConfigException.class, () -> plan(Map.of("BACKUP_TARGETS_FILE", noUrl.toString()), Map.of()));
        assertTrue(missing.getMessage().contains("target [app]") && missing.getMessage().contains("no DATABASE_URL"), missing.getMessage());

        Path shared = Files.writeString(dir.resolve("shared.ini"),
                "[a]\nDATABASE_URL=sqlite:///a.db\nBACKUP_DIR=/b\n[b]\nDATABASE_URL=sqlite:///b.db\nBACKUP_DIR=/b\n");
        ConfigException sharedFolder = assertThrows(ConfigException.class, () -> plan(Map.of("BACKUP_TARGETS_FILE", shared.toString()), Map.of()));
        assertTrue(sharedFolder.getMessage().contains("share the backup folder"), sharedFolder.getMessage());

        Path badLine = Files.writeString(dir.resolve("bad.ini"), "[app]\nDATABASE_URL=sqlite:///a.db\nthis is not a setting\n");
        ConfigException bad = assertThrows(ConfigException.class, () -> plan(Map.of("BACKUP_TARGETS_FILE", badLine.toString()), Map.of()));
        assertTrue(bad.getMessage().contains("line 3"), bad.getMessage());

        Path badCron = Files.writeString(dir.resolve("cron.ini"), "[app]\nDATABASE_URL=sqlite:///a.db\nBACKUP_SCHEDULE=every night\n");
        ConfigException cron = assertThrows(ConfigException.class, () -> plan(Map.of("BACKUP_TARGETS_FILE", badCron.toString()), Map.of()));
        assertTrue(cron.getMessage().contains("BACKUP_SCHEDULE 'every night'"), cron.getMessage());
    }
}
