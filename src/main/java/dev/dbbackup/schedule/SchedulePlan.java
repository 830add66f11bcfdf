package dev.dbbackup.schedule;

import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.SettingSources;
import dev.dbbackup.config.Settings;
import dev.dbbackup.config.SettingsResolver;
import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.operation.alert.AlertSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Everything {@code dbbackup schedule} runs, validated before the first job: the targets (one from DATABASE_URL,
 * or one per section of the targets file) and how the scheduler behaves.
 */
public record SchedulePlan(List<ScheduleTarget> targets, boolean catchUp, Duration shutdownGrace, Optional<Path> targetsFile) {

    public static final String SCHEDULE = "BACKUP_SCHEDULE";
    public static final String DEFAULT_SCHEDULE = "0 2 * * *";
    public static final String TEST_RESTORE_SCHEDULE = "BACKUP_TEST_RESTORE_SCHEDULE";
    /** PostgreSQL server for the scratch database of scheduled test-restores (default: the server of DATABASE_URL). */
    public static final String SCRATCH_URL = "BACKUP_TEST_RESTORE_SCRATCH_URL";
    public static final String TARGETS_FILE = "BACKUP_TARGETS_FILE";
    public static final String CATCH_UP = "BACKUP_CATCH_UP";
    public static final String RETRIES = "BACKUP_RETRIES";
    public static final String RETRY_DELAY = "BACKUP_RETRY_DELAY";
    public static final String SHUTDOWN_GRACE = "BACKUP_SHUTDOWN_GRACE";

    private static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(15);

    /** {@code global} are the settings of the command line itself; targets start from the same sources. */
    public static SchedulePlan resolve(SettingSources sources, Settings global) {
        boolean catchUp = bool(sources, CATCH_UP, true);
        Duration grace = SettingsResolver.duration(SHUTDOWN_GRACE, sources.get(SHUTDOWN_GRACE).orElse("5s"));
        Optional<Path> file = sources.get(TARGETS_FILE).map(String::strip).filter(s -> !s.isEmpty()).map(Path::of);
        List<ScheduleTarget> targets = new ArrayList<>();
        if (file.isEmpty()) {
            targets.add(target(global.name(), sources, global));
        } else {
            TargetsFile targetsFile = TargetsFile.read(file.get());
            Map<Path, String> folders = new HashMap<>();
            for (TargetsFile.Section section : targetsFile.sections()) {
                ScheduleTarget target = target(section, targetsFile, sources, global);
                Path folder = target.settings().backupDir().toAbsolutePath().normalize();
                String other = folders.putIfAbsent(folder, target.name());
                if (other != null) {
                    throw new ConfigException("targets [" + other + "] and [" + target.name() + "] share the backup folder " + folder,
                            "give each target its own BACKUP_DIR (retention works per folder)");
                }
                targets.add(target);
            }
        }
        return new SchedulePlan(List.copyOf(targets), catchUp, grace, file);
    }

    private static ScheduleTarget target(TargetsFile.Section section, TargetsFile file, SettingSources sources, Settings global) {
        Map<String, String> values = new LinkedHashMap<>(file.common());
        values.putAll(section.values());
        if (!values.containsKey(SettingsResolver.DATABASE_URL) && !values.containsKey(SettingsResolver.DATABASE_URL + "_FILE")) {
            throw new ConfigException("target [" + section.name() + "] in " + file.path() + " has no DATABASE_URL",
                    "add DATABASE_URL=… (or DATABASE_URL_FILE=…) to its section");
        }
        if (!values.containsKey(SettingsResolver.BACKUP_DIR) && !values.containsKey(SettingsResolver.BACKUP_DIR + "_FILE")) {
            values.put(SettingsResolver.BACKUP_DIR, global.backupDir().resolve(section.name()).toString());
        }
        values.remove(SettingsResolver.NAME + "_FILE");
        values.put(SettingsResolver.NAME, section.name());
        SettingSources targetSources = sources.overriddenBy(values);
        Settings settings;
        try {
            settings = SettingsResolver.resolve(targetSources);
        } catch (ConfigException e) {
            throw new ConfigException("target [" + section.name() + "]: " + e.getMessage(), e.hint());
        }
        return target(section.name(), targetSources, settings);
    }

    private static ScheduleTarget target(String name, SettingSources sources, Settings settings) {
        CronSchedule backups = CronSchedule.parse(SCHEDULE, sources.get(SCHEDULE).orElse(DEFAULT_SCHEDULE), settings.zone());
        Optional<CronSchedule> testRestore = sources.get(TEST_RESTORE_SCHEDULE).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> CronSchedule.parse(TEST_RESTORE_SCHEDULE, s, settings.zone()));
        Optional<String> policyValue = sources.get(TestRestorePolicy.SETTING).map(String::strip).filter(s -> !s.isEmpty());
        if (policyValue.isPresent() && testRestore.isPresent()) {
            throw new ConfigException(TestRestorePolicy.SETTING + " and " + TEST_RESTORE_SCHEDULE + " are both set",
                    "set one: " + TestRestorePolicy.SETTING + " (never, after-each, daily, weekly) tests after backups, "
                            + TEST_RESTORE_SCHEDULE + " on a cron schedule of its own");
        }
        // An explicit test-restore cron replaces the policy; otherwise the policy applies (weekly by default).
        TestRestorePolicy policy = testRestore.isPresent() ? TestRestorePolicy.NEVER
                : policyValue.map(TestRestorePolicy::parse).orElse(TestRestorePolicy.DEFAULT);
        int retries = retries(sources);
        Duration delay = SettingsResolver.duration(RETRY_DELAY, sources.get(RETRY_DELAY).orElse("30s"));
        RetryPolicy retry = new RetryPolicy(retries, delay, delay.compareTo(MAX_RETRY_DELAY) > 0 ? delay : MAX_RETRY_DELAY);
        Optional<DatabaseUrl> scratch = sources.get(SCRATCH_URL).map(String::strip).filter(s -> !s.isEmpty()).map(SchedulePlan::scratchUrl);
        return new ScheduleTarget(name, settings, backups, testRestore, policy, scratch, AlertSettings.resolve(sources), retry);
    }

    private static DatabaseUrl scratchUrl(String url) {
        try {
            return DatabaseUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCRATCH_URL + " " + e.getMessage(), "give a postgresql:// URL of a server where a scratch database may be created");
        }
    }

    private static int retries(SettingSources sources) {
        String value = sources.get(RETRIES).orElse("3").strip();
        try {
            int retries = Integer.parseInt(value);
            if (retries >= 0 && retries <= 100) {
                return retries;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(RETRIES + " must be a whole number from 0 to 100, got '" + value + "'", "e.g. BACKUP_RETRIES=3");
    }

    private static boolean bool(SettingSources sources, String name, boolean defaultValue) {
        Optional<String> value = sources.get(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(name + " must be true or false, got '" + value.get() + "'", "set it to true or false");
        };
    }
}
