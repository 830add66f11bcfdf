package dev.dbbackup.cli;

import dev.dbbackup.config.OffsiteSettingsResolver;
import dev.dbbackup.config.SettingsResolver;
import dev.dbbackup.operation.StoreChoice;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --store local|offsite} for the commands that read either store. */
public class StoreOption {

    @Option(names = "--store", paramLabel = "STORE", defaultValue = "local",
            description = "local (BACKUP_DIR, default) or offsite (BACKUP_OFFSITE_URL).")
    String store;

    StoreChoice choice() {
        return StoreChoice.parse(store);
    }

    /** The --retention-* flags set the counts of the chosen store (offsite: BACKUP_OFFSITE_RETENTION_*). */
    Map<String, String> retentionFlags(RetentionOptions retention) {
        Map<String, String> flags = retention.flags();
        if (choice() != StoreChoice.OFFSITE) {
            return flags;
        }
        Map<String, String> renamed = new HashMap<>();
        flags.forEach((name, value) -> renamed.put(switch (name) {
            case SettingsResolver.RETENTION_DAYS -> OffsiteSettingsResolver.RETENTION_DAYS;
            case SettingsResolver.RETENTION_WEEKS -> OffsiteSettingsResolver.RETENTION_WEEKS;
            case SettingsResolver.RETENTION_MONTHS -> OffsiteSettingsResolver.RETENTION_MONTHS;
            case SettingsResolver.RETENTION_HOURS -> OffsiteSettingsResolver.RETENTION_HOURS;
            case SettingsResolver.RETENTION_YEARS -> OffsiteSettingsResolver.RETENTION_YEARS;
            default -> name;
        }, value));
        return renamed;
    }
}
