package dev.dbbackup.operation;

import dev.dbbackup.config.ConfigException;
import java.util.Locale;

/** Which store a command reads: the backup folder (BACKUP_DIR) or the offsite store (BACKUP_OFFSITE_URL). */
public enum StoreChoice {
    LOCAL, OFFSITE;

    public static StoreChoice parse(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "local" -> LOCAL;
            case "offsite", "remote" -> OFFSITE;
            default -> throw new ConfigException("--store '" + value + "' is not known", "use local (BACKUP_DIR) or offsite (BACKUP_OFFSITE_URL)");
        };
    }
}
