package dev.dbbackup.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.SettingSources;
import dev.dbbackup.config.Settings;
import dev.dbbackup.config.SettingsResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetupFilesTest {

    @TempDir
    Path dir;

    private static final List<String> BINARY = List.of("/usr/local/bin/dbbackup");

    private record Setup(SetupFiles.SetupRequest request, Settings settings) {
    }

    private static Setup setup(String cron, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("DATABASE_URL", "sqlite:////srv/app/app.db");
        all.putIfAbsent("BACKUP_DIR", "/srv/backups");
        SettingSources sources = new SettingSources(Map.of(), all, Map.of());
        Settings settings = SettingsResolver.resolve(sources);
        CronSchedule schedule = CronSchedule.parse("BACKUP_SCHEDULE", cron, settings.zone());
        return new Setup(SetupFiles.request(settings, sources, schedule, Optional.empty(), Optional.of("/usr/local/bin/dbbackup"), all),
                settings);
    }

    @Test
    void cronLineRunsTheSeedsNightlyBackupWithTheCurrentSettings() {
        SetupFiles.SetupFile cron = SetupFiles.cron(setup("0 2 * * *", Map.of()).request(), Optional.empty(), Optional.empty());
        String line = cron.content().lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
        assertTrue(line.startsWith("0 2 * * * cd "), line);
        assertTrue(line.contains("/usr/local/bin/dbbackup backup --database-url sqlite:////srv/app/app.db --backup-dir /srv/backups"
                + " --retention-days 7 --retention-weeks 4 --retention-months 12"), line);
        assertTrue(line.contains(">> ") && line.endsWith("2>&1 # dbbackup:app.db"), line);
    }

    @Test
    void cronLineEscapesEveryPercentSignSoCronRunsTheWholeCommand() {
        SetupFiles.SetupFile cron = SetupFiles.cron(setup("0 2 * * *", Map.of("DATABASE_URL", "sqlite:////srv/app%20data/app.db",
                "BACKUP_DIR", "/srv/backups%2Fnightly")).request(), Optional.empty(), Optional.empty());
        String line = cron.content().lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
        assertTrue(line.contains("\\%"), line);
        assertFalse(line.matches(".*(?<!\\\\)%.*"), "cron cuts the command at an unescaped %: " + line);
        String asCronRunsIt = line.substring("0 2 * * * ".length()).replace("\\%", "%");
        assertTrue(asCronRunsIt.contains("/srv/backups%2Fnightly") && asCronRunsIt.endsWith("# dbbackup:app.db"), asCronRunsIt);
    }

    @Test
    void cronFileForCronDHasTheUserColumnAndANameCronAccepts() {
        SetupFiles.SetupFile file = SetupFiles.cron(setup("0 2 * * *", Map.of()).request(), Optional.of("backup"), Optional.of(Path.of("/var/log/db.log")));
        assertTrue(file.content().contains("\n0 2 * * * backup cd "), file.content());
        assertTrue(file.content().contains(">> /var/log/db.log 2>&1"), file.content());
        assertTrue(file.name().matches("[A-Za-z0-9_-]+"), "run-parts ignores names with dots: " + file.name());
    }

    @Test
    void passwordsNeverReachTheJobButThePasswordFileDoes() throws Exception {
        Setup inline = setup("0 2 * * *", Map.of("DATABASE_URL", "postgresql://app:hunter2@db:5432/app"));
        String cron = SetupFiles.cron(inline.request(), Optional.empty(), Optional.empty()).content();
        assertFalse(cron.contains("hunter2"), cron);
        assertTrue(cron.contains("--database-url postgresql://app@db:5432/app "), cron);
        assertEquals(1, inline.request().warnings().size());
        assertTrue(inline.request().warnings().get(0).contains("DATABASE_PASSWORD_FILE"));

        Path passwordFile = Files.writeString(dir.resolve("db_password"), "hunter2\n");
        Setup secretFile = setup("0 2 * * *", Map.of("DATABASE_URL", "postgresql://app@db:5432/app",
                "DATABASE_PASSWORD_FILE", passwordFile.toString()));
        String line = SetupFiles.cron(secretFile.request(), Optional.empty(), Optional.empty()).content();
        assertTrue(line.contains("DATABASE_PASSWORD_FILE=" + passwordFile + " /usr/local/bin/dbbackup backup"), line);
        assertFalse(line.contains("hunter2"), line);
        assertTrue(secretFile.request().warnings().isEmpty());
    }

    @Test
    void otherSettingsOfTheEnvironmentGoAlongButSecretsOnlyAsFiles() throws Exception {
        Path passphrase = Files.writeString(dir.resolve("passphrase"), "correct horse\n");
        Setup setup = setup("0 2 * * *", Map.of("BACKUP_ENCRYPTION", "passphrase", "BACKUP_ENCRYPTION_PASSPHRASE_FILE", passphrase.toString(),
                "BACKUP_ALERT_WEBHOOK_URL", "https://hooks.example.com/services/T0/B0/token", "BACKUP_ALERT_ON", "failure,stale",
                "HOME", "/root"));
        String line = SetupFiles.cron(setup.request(), Optional.empty(), Optional.empty()).content();
        assertTrue(line.contains("BACKUP_ENCRYPTION=passphrase "), line);
        assertTrue(line.contains("BACKUP_ENCRYPTION_PASSPHRASE_FILE=" + passphrase + " "), line);
        assertTrue(line.contains("BACKUP_ALERT_ON=failure,stale "), line);
        assertFalse(line.contains("hooks.example.com") || line.contains("correct horse") || line.contains("HOME="), line);
        assertEquals(List.of("BACKUP_ALERT_WEBHOOK_URL is a secret and is not written into the job: set BACKUP_ALERT_WEBHOOK_URL_FILE"
                + " to a file only the job's user can read (or use --config)"), setup.request().warnings());
    }

    @Test
    void systemdTimerRunsAtTwoWithCatchUp() {
        List<SetupFiles.SetupFile> units = SetupFiles.systemd(setup("0 2 * * *", Map.of()).request());
        assertEquals("dbbackup-app_db.service", units.get(0).name());
        assertEquals("dbbackup-app_db.timer", units.get(1).name());
        String service = units.get(0).content();
        assertTrue(service.contains("Type=oneshot"), service);
        assertTrue(service.contains("ExecStart=/usr/local/bin/dbbackup backup --database-url sqlite:////srv/app/app.db --backup-dir /srv/backups"),
                service);
        String timer = units.get(1).content();
        assertTrue(timer.contains("OnCalendar=*-*-* 02:00:00 UTC"), timer);
        assertTrue(timer.contains("Persistent=true"), timer);
        assertTrue(timer.contains("WantedBy=timers.target"), timer);
    }

    @Test
    void systemdCalendarForWeekdaysStepsAndZones() {
        assertEquals("Sun *-*-* 02:00:00 UTC", SetupFiles.onCalendar(CronSchedule.parse("S", "0 2 * * 0", java.time.ZoneId.of("UTC"))));
        assertEquals("Mon,Tue,Wed,Thu,Fri *-*-* 01:30:00 Europe/Berlin",
                SetupFiles.onCalendar(CronSchedule.parse("S", "30 1 * * 1-5", java.time.ZoneId.of("Europe/Berlin"))));
        assertEquals("*-*-* 00,06,12,18:00:00 UTC", SetupFiles.onCalendar(CronSchedule.parse("S", "0 */6 * * *", java.time.ZoneId.of("UTC"))));
        assertEquals("*-*-01 02:00:00 UTC", SetupFiles.onCalendar(CronSchedule.parse("S", "0 2 1 * *", java.time.ZoneId.of("UTC"))));
    }

    @Test
    void windowsTaskRegistersADailyTriggerAtTwo() {
        String script = SetupFiles.windowsTask(setup("0 2 * * *", Map.of()).request()).content();
        assertTrue(script.contains("New-ScheduledTaskTrigger -Daily -At '02:00'"), script);
        assertTrue(script.contains("New-ScheduledTaskAction -Execute '/usr/local/bin/dbbackup' -Argument 'backup --database-url"), script);
        assertTrue(script.contains("Register-ScheduledTask -TaskName 'dbbackup-app_db'"), script);
        assertTrue(script.contains("-StartWhenAvailable"), script);
        String weekly = SetupFiles.windowsTask(setup("0 3 * * 0", Map.of()).request()).content();
        assertTrue(weekly.contains("New-ScheduledTaskTrigger -Weekly -DaysOfWeek Sunday -At '03:00'"), weekly);
        ConfigException monthly = assertThrows(ConfigException.class, () -> SetupFiles.windowsTask(setup("0 2 1 * *", Map.of()).request()));
        assertTrue(monthly.getMessage().contains("daily and weekly"), monthly.getMessage());
    }

    @Test
    void composeServiceRunsTheSchedulerWithHealthCheckSecretAndVolumes() {
        Setup setup = setup("0 2 * * *", Map.of("DATABASE_URL", "postgresql://app:pw@db:5432/app"));
        String yaml = SetupFiles.compose(setup.request(), setup.settings().databaseUrl(), Optional.empty(), "dbbackup:latest", "26h").content();
        assertTrue(yaml.contains("command: [\"schedule\"]"), yaml);
        assertTrue(yaml.contains("test: [\"CMD\", \"dbbackup\", \"health\"]"), yaml);
        assertTrue(yaml.contains("DATABASE_URL: \"postgresql://app@db:5432/app\""), yaml);
        assertTrue(yaml.contains("DATABASE_PASSWORD_FILE: \"/run/secrets/db_password\""), yaml);
        assertTrue(yaml.contains("BACKUP_SCHEDULE: \"0 2 * * *\""), yaml);
        assertTrue(yaml.contains("- \"/srv/backups:/backups\""), yaml);
        assertTrue(yaml.contains("secrets:\n  db_password:\n"), yaml);
        assertFalse(yaml.contains("pw@"), yaml);

        Setup sqlite = setup("0 2 * * *", Map.of());
        String sqliteYaml = SetupFiles.compose(sqlite.request(), sqlite.settings().databaseUrl(), Optional.empty(), "dbbackup:latest", "26h").content();
        assertTrue(sqliteYaml.contains("DATABASE_URL: \"sqlite:////data/app.db\""), sqliteYaml);
        assertTrue(sqliteYaml.contains("- \"/srv/app:/data\""), sqliteYaml);
    }
}
