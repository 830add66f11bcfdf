package dev.dbbackup.catalog;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Locale;

/** The rotation type of a backup; also the name of its folder under BACKUP_DIR. */
public enum BackupType {
    DAILY, WEEKLY, MONTHLY;

    /** The folder and file-name word: daily, weekly, monthly. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The seed's rule for type auto: 1st of the month → monthly, Sunday → weekly, else daily. */
    public static BackupType auto(LocalDate today) {
        if (today.getDayOfMonth() == 1) {
            return MONTHLY;
        }
        if (today.getDayOfWeek() == DayOfWeek.SUNDAY) {
            return WEEKLY;
        }
        return DAILY;
    }

    public static BackupType fromWord(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }
}
