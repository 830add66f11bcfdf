package dev.dbbackup.cli;

import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.Settings;
import dev.dbbackup.config.SettingsResolver;
import dev.dbbackup.operation.ExitCode;
import dev.dbbackup.schedule.CronSchedule;
import dev.dbbackup.schedule.SchedulePlan;
import dev.dbbackup.schedule.SetupFiles;
import dev.dbbackup.schedule.SetupInstaller;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Print (or with --write install) what runs the backup on a schedule with the current settings:",
                "  cron          a crontab line (--write: into your crontab; --dir /etc/cron.d: a system cron file)",
                "  systemd       a service and a timer (--write: into /etc/systemd/system or --dir)",
                "  windows-task  a PowerShell script that registers a scheduled task (--write: into the current folder or --dir)",
                "  compose       a compose service running 'dbbackup schedule' with its health check (--write: compose.dbbackup.yaml)",
                "Passwords are never written into these files; use DATABASE_PASSWORD_FILE or --config."},
        footer = {"", "Examples:", "  dbbackup install cron                       # 02:00 daily, the seed's default",
                "  dbbackup install systemd --cron '30 1 * * *' --write",
                "  dbbackup install windows-task --write", "  dbbackup install compose --image registry.local/dbbackup:1.0"})
public class InstallCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    RetentionOptions retention;

    @Parameters(index = "0", paramLabel = "KIND", description = "cron, systemd, windows-task or compose.")
    String kind;

    @Option(names = "--cron", paramLabel = "EXPR", description = "When to back up (env BACKUP_SCHEDULE, default '0 2 * * *').")
    String cron;

    @Option(names = "--timezone", paramLabel = "ZONE", description = "Time zone of the schedule (env BACKUP_TIMEZONE, default UTC).")
    String timezone;

    @Option(names = "--write", description = "Install instead of printing.")
    boolean write;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where --write puts the files.")
    Path dir;

    @Option(names = "--force", description = "With --write: replace a file that exists with other content.")
    boolean force;

    @Option(names = "--executable", paramLabel = "PATH", description = "The dbbackup binary the job runs (default: this one).")
    String executable;

    @Option(names = "--image", paramLabel = "IMAGE", defaultValue = "dbbackup:latest", description = "compose: the image (default dbbackup:latest).")
    String image;

    @Option(names = "--user", paramLabel = "USER", description = "cron with --dir: the user column of the cron file (default: you).")
    String user;

    @Override
    public Integer call() {
        Map<String, String> flags = retention.flags();
        CommonOptions.putIfSet(flags, SchedulePlan.SCHEDULE, cron);
        CommonOptions.putIfSet(flags, SettingsResolver.TIMEZONE, timezone);
        Settings settings = common.settings(flags);
        CronSchedule schedule = CronSchedule.parse(SchedulePlan.SCHEDULE,
                common.sources().get(SchedulePlan.SCHEDULE).orElse(SchedulePlan.DEFAULT_SCHEDULE), settings.zone());
        SetupFiles.SetupRequest request = SetupFiles.request(settings, common.sources(), schedule, configFile(), Optional.ofNullable(executable),
                System.getenv());
        boolean cronFile = kind.equals("cron") && dir != null;
        List<SetupFiles.SetupFile> files = switch (kind) {
            case "cron" -> List.of(SetupFiles.cron(request, cronFile ? Optional.of(user == null ? System.getProperty("user.name") : user)
                    : Optional.empty(), settings.logFile()));
            case "systemd" -> SetupFiles.systemd(request);
            case "windows-task" -> List.of(SetupFiles.windowsTask(request));
            case "compose" -> List.of(SetupFiles.compose(request, settings.databaseUrl(),
                    common.sources().get(SettingsResolver.DATABASE_PASSWORD + "_FILE"), image, format(settings.maxAge())));
            default -> throw new ConfigException("install does not know '" + kind + "'", "use cron, systemd, windows-task or compose");
        };
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        request.warnings().forEach(w -> err.println("warning: " + w));
        err.flush();
        if (!write) {
            for (SetupFiles.SetupFile file : files) {
                if (files.size() > 1) {
                    out.println("# ---- " + file.name());
                }
                out.print(file.content());
            }
            out.flush();
            return ExitCode.OK.code();
        }
        if (kind.equals("cron") && !cronFile) {
            SetupInstaller.installCrontab(files.get(0), SetupFiles.marker(request));
            out.println("installed into your crontab (see 'crontab -l'):");
            out.print(files.get(0).content());
        } else {
            Path target = dir != null ? dir : kind.equals("systemd") ? Path.of("/etc/systemd/system") : Path.of("");
            for (Path written : SetupInstaller.write(files, target.toAbsolutePath(), force)) {
                out.println("wrote " + written);
            }
            out.println(switch (kind) {
                case "systemd" -> "now run: systemctl daemon-reload && systemctl enable --now " + files.get(1).name();
                case "windows-task" -> "now run in an elevated PowerShell: powershell -ExecutionPolicy Bypass -File " + files.get(0).name();
                case "compose" -> "now run: docker compose -f compose.yaml -f " + files.get(0).name() + " up -d";
                default -> "cron reads files in /etc/cron.d by itself; they must be owned by root and not group/world-writable";
            });
        }
        out.flush();
        return ExitCode.OK.code();
    }

    private Optional<Path> configFile() {
        if (common.config != null) {
            return Optional.of(common.config);
        }
        String env = System.getenv("DBBACKUP_CONFIG");
        return env == null || env.isBlank() ? Optional.empty() : Optional.of(Path.of(env));
    }

    private static String format(java.time.Duration duration) {
        long seconds = duration.toSeconds();
        return seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
