package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dbbackup install}: the seed's 02:00 daily job for cron, systemd, Windows and compose, from the current settings. */
class ScheduleInstallCliIT {

    @TempDir
    Path dir;

    private Cli.Result dbbackup(Map<String, String> env, String... args) {
        return Cli.run(dir, env, args);
    }

    private static final Map<String, String> SQLITE = Map.of("DATABASE_URL", "sqlite:///./app.db");

    @Test
    void cronLineRunsThisBinaryAtTwoWithTheCurrentSettings() {
        Cli.Result cron = dbbackup(SQLITE, "install", "cron", "--retention-days", "3");
        assertEquals(0, cron.exitCode(), cron::toString);
        String line = cron.stdout().lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
        assertTrue(line.startsWith("0 2 * * * cd " + dir.toAbsolutePath()), line);
        assertTrue(line.contains(" -jar " + Cli.appJar() + " backup --database-url sqlite:///" + dir.resolve("app.db").toAbsolutePath()
                + " --backup-dir " + dir.resolve("backups").toAbsolutePath() + " --retention-days 3 "), line);
        assertTrue(line.endsWith("# dbbackup:app.db"), line);
    }

    @Test
    void systemdAndCronFilesAreWrittenWhereAsked() throws Exception {
        Cli.Result systemd = dbbackup(SQLITE, "install", "systemd", "--write", "--dir", "units", "--cron", "30 1 * * *");
        assertEquals(0, systemd.exitCode(), systemd::toString);
        assertTrue(systemd.stdout().contains("systemctl daemon-reload && systemctl enable --now dbbackup-app_db.timer"), systemd.stdout());
        assertTrue(Files.readString(dir.resolve("units/dbbackup-app_db.timer")).contains("OnCalendar=*-*-* 01:30:00 UTC"));
        assertTrue(Files.readString(dir.resolve("units/dbbackup-app_db.service")).contains("Type=oneshot"));

        Cli.Result cronFile = dbbackup(SQLITE, "install", "cron", "--write", "--dir", "cron.d", "--user", "backup");
        assertEquals(0, cronFile.exitCode(), cronFile::toString);
        assertTrue(Files.readString(dir.resolve("cron.d/dbbackup-app_db")).contains("\n0 2 * * * backup cd "));

        Files.writeString(dir.resolve("units/dbbackup-app_db.timer"), "edited by hand\n");
        Cli.Result again = dbbackup(SQLITE, "install", "systemd", "--write", "--dir", "units");
        assertEquals(1, again.exitCode(), again::toString);
        assertTrue(again.stderr().contains("exists with other content"), again.stderr());
        assertEquals(0, dbbackup(SQLITE, "install", "systemd", "--write", "--dir", "units", "--force").exitCode());
    }

    @Test
    void windowsTaskAndComposeServiceUseTheSchedule() {
        Cli.Result windows = dbbackup(SQLITE, "install", "windows-task");
        assertEquals(0, windows.exitCode(), windows::toString);
        assertTrue(windows.stdout().contains("New-ScheduledTaskTrigger -Daily -At '02:00'"), windows.stdout());
        assertTrue(windows.stdout().contains("Register-ScheduledTask -TaskName 'dbbackup-app_db'"), windows.stdout());

        Cli.Result compose = dbbackup(SQLITE, "install", "compose", "--image", "dbbackup:1.0");
        assertEquals(0, compose.exitCode(), compose::toString);
        assertTrue(compose.stdout().contains("image: dbbackup:1.0"), compose.stdout());
        assertTrue(compose.stdout().contains("command: [\"schedule\"]"), compose.stdout());
        assertTrue(compose.stdout().contains("test: [\"CMD\", \"dbbackup\", \"health\"]"), compose.stdout());
        assertTrue(compose.stdout().contains("DATABASE_URL: \"sqlite:////data/app.db\""), compose.stdout());
    }

    @Test
    void aPasswordInTheUrlIsNeverWritten() {
        Cli.Result cron = dbbackup(Map.of("DATABASE_URL", "postgresql://app:hunter2@db:5432/app"), "install", "cron");
        assertEquals(0, cron.exitCode(), cron::toString);
        assertFalse(cron.all().contains("hunter2"), cron.toString());
        assertTrue(cron.stdout().contains("--database-url postgresql://app@db:5432/app "), cron.stdout());
        assertTrue(cron.stderr().contains("warning: the database password is not written into the job"), cron.stderr());
    }

    @Test
    void unknownKindsAndQuartzSchedulesAreRefusedWithAHint() {
        Cli.Result kind = dbbackup(SQLITE, "install", "launchd");
        assertEquals(2, kind.exitCode(), kind::toString);
        assertTrue(kind.stderr().contains("install does not know 'launchd'"), kind.stderr());
        Cli.Result quartz = dbbackup(SQLITE, "install", "systemd", "--cron", "*/5 * * * * ?");
        assertEquals(2, quartz.exitCode(), quartz::toString);
        assertTrue(quartz.stderr().contains("need 5 crontab fields"), quartz.stderr());
    }
}
