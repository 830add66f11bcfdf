package dev.dbbackup.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class BackupNameTest {

    @Test
    void namesFollowTheSeedLayout() {
        BackupName name = BackupName.of(BackupType.DAILY, Instant.parse("2025-11-03T02:00:00Z"), ZoneOffset.UTC, 0, ".sql.gz");
        assertEquals("backup_daily_20251103_020000.sql.gz", name.fileName());
        assertEquals("daily/backup_daily_20251103_020000.sql.gz", name.key());
        assertEquals("backup_daily_20251103_020000_2.sql.gz", name.withSequence(2).fileName());
    }

    @Test
    void parsingRoundTripsAndRejectsForeignFiles() {
        for (String file : new String[] {"backup_weekly_20251102_020000.sql.gz", "backup_monthly_20251101_020000_3.sql.gz",
                "backup_daily_20251103_020000.sql.zst", "backup_daily_20251103_020000.sql.gz.gpg"}) {
            assertEquals(file, BackupName.parse(file).orElseThrow().fileName());
        }
        for (String foreign : new String[] {"notes.txt", "backup_hourly_20251103_020000.sql.gz", "backup_daily_20251103_0200.sql.gz",
                "backup_daily_20251103_020000.sql.gz.json", ".dbbackup-tmp-1-x", "backup_daily_20251340_020000.sql.gz"}) {
            assertTrue(BackupName.parse(foreign).isEmpty(), foreign);
        }
    }

    @Test
    void fileTimesAreInTheConfiguredZone() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        BackupName name = BackupName.of(BackupType.DAILY, Instant.parse("2025-07-01T00:30:00Z"), berlin, 0, ".sql.gz");
        assertEquals("backup_daily_20250701_023000.sql.gz", name.fileName());
        assertEquals(Instant.parse("2025-07-01T00:30:00Z"), name.instant(berlin));
    }

    @Test
    void autoTypeIsMonthlyOnTheFirstWeeklyOnSundayElseDaily() {
        assertEquals(BackupType.MONTHLY, BackupType.auto(LocalDate.of(2025, 11, 1)));
        assertEquals(BackupType.MONTHLY, BackupType.auto(LocalDate.of(2026, 2, 1)), "the 1st wins over Sunday");
        assertEquals(DayOfWeek.SUNDAY, LocalDate.of(2026, 2, 1).getDayOfWeek());
        assertEquals(BackupType.WEEKLY, BackupType.auto(LocalDate.of(2025, 11, 2)));
        assertEquals(BackupType.DAILY, BackupType.auto(LocalDate.of(2025, 11, 3)));
    }
}
