package dev.dbbackup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.config.ConfigException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void theSeedsDefaultRunsAtTwoEveryNightInTheConfiguredZone() {
        CronSchedule daily = CronSchedule.parse("BACKUP_SCHEDULE", "0 2 * * *", BERLIN);
        ZonedDateTime now = ZonedDateTime.parse("2025-11-03T10:15:00+01:00[Europe/Berlin]");
        assertEquals(ZonedDateTime.parse("2025-11-04T02:00:00+01:00[Europe/Berlin]"), daily.next(now).orElseThrow());
        assertEquals(ZonedDateTime.parse("2025-11-03T02:00:00+01:00[Europe/Berlin]"), daily.previous(now).orElseThrow());
        assertEquals(Optional.of(Duration.ofHours(24)), daily.interval(now));
        assertEquals(Optional.of("0 2 * * *"), daily.crontab());
    }

    @Test
    void quarkusGetsTheQuartzFormWithSeconds() {
        CronSchedule daily = CronSchedule.parse("BACKUP_SCHEDULE", "0 2 * * *", UTC);
        assertEquals(7, daily.quartz().split(" ").length, daily.quartz());
        assertTrue(daily.quartz().startsWith("0 0 2 "), daily.quartz());
    }

    @Test
    void intervalOfAWeekdayScheduleSpansTheWeekendOnMonday() {
        CronSchedule weekdays = CronSchedule.parse("BACKUP_SCHEDULE", "0 2 * * 1-5", UTC);
        ZonedDateTime mondayMorning = ZonedDateTime.parse("2025-11-03T09:00:00Z[UTC]");
        assertEquals(Optional.of(Duration.ofDays(3)), weekdays.interval(mondayMorning));
    }

    @Test
    void everySixHoursAndNicknames() {
        CronSchedule sixHourly = CronSchedule.parse("BACKUP_SCHEDULE", "0 */6 * * *", UTC);
        assertEquals(Optional.of(Duration.ofHours(6)), sixHourly.interval(ZonedDateTime.parse("2025-11-03T13:00:00Z[UTC]")));
        CronSchedule weekly = CronSchedule.parse("BACKUP_SCHEDULE", "@weekly", UTC);
        assertEquals(ZonedDateTime.parse("2025-11-09T00:00:00Z[UTC]"), weekly.next(ZonedDateTime.parse("2025-11-03T13:00:00Z[UTC]")).orElseThrow());
        assertEquals("@weekly", weekly.text());
    }

    @Test
    void quartzExpressionsWithSecondsAreAcceptedForFastSchedules() {
        CronSchedule everyTwoSeconds = CronSchedule.parse("BACKUP_SCHEDULE", "*/2 * * * * ?", UTC);
        assertEquals(Optional.of(Duration.ofSeconds(2)), everyTwoSeconds.interval(ZonedDateTime.parse("2025-11-03T13:00:01Z[UTC]")));
        assertTrue(everyTwoSeconds.crontab().isEmpty());
    }

    @Test
    void aBadExpressionNamesTheSettingAndShowsTheDefault() {
        ConfigException wrongCount = assertThrows(ConfigException.class, () -> CronSchedule.parse("BACKUP_SCHEDULE", "0 2 * *", UTC));
        assertTrue(wrongCount.getMessage().startsWith("BACKUP_SCHEDULE '0 2 * *'"), wrongCount.getMessage());
        assertTrue(wrongCount.hint().contains("'0 2 * * *'"), wrongCount.hint());
        ConfigException both = assertThrows(ConfigException.class, () -> CronSchedule.parse("BACKUP_SCHEDULE", "0 2 1 * 0", UTC));
        assertTrue(both.getMessage().contains("both the day of month and the weekday"), both.getMessage());
        ConfigException badValue = assertThrows(ConfigException.class, () -> CronSchedule.parse("BACKUP_SCHEDULE", "0 25 * * *", UTC));
        assertTrue(badValue.getMessage().contains("not a valid cron expression"), badValue.getMessage());
    }
}
