package dev.dbbackup.schedule;

import dev.dbbackup.config.ConfigException;
import dev.dbbackup.config.SettingSources;
import dev.dbbackup.config.Settings;
import dev.dbbackup.config.SettingsResolver;
import dev.dbbackup.engine.DatabaseUrl;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The set-up files of {@code dbbackup install}: a crontab line, a systemd service and timer, a PowerShell script
 * that registers a Windows scheduled task, and a compose service, all running the current settings on the schedule.
 * Passwords are never written: a URL's password is dropped and DATABASE_PASSWORD_FILE or the config file carries it.
 */
public final class SetupFiles {

    private SetupFiles() {
    }

    /** One file to print or install; {@code name} is the file name to use when writing it. */
    public record SetupFile(String name, String content) {
    }

    /**
     * What the generated jobs run.
     *
     * @param name       the database's name (BACKUP_NAME), used in unit, task and marker names
     * @param executable the command that starts dbbackup (binary path, or java -jar …)
     * @param workDir    the folder relative paths were resolved against
     * @param settings   setting name → value to carry (DATABASE_URL without password, BACKUP_DIR …), in order
     * @param config     the config file in use, passed as --config when present
     * @param warnings   what the operator must still do (e.g. move a password into a file)
     */
    public record SetupRequest(String name, List<String> executable, Path workDir, CronSchedule schedule, Map<String, String> settings,
                               Optional<Path> config, List<String> warnings) {

        String unitName() {
            return "dbbackup-" + name.replaceAll("[^A-Za-z0-9_-]", "_");
        }
    }

    /** Settings whose value is a secret (or holds one): only their {@code _FILE} form is written into a job. */
    private static final java.util.regex.Pattern SECRET = java.util.regex.Pattern.compile(
            ".*(PASSWORD|PASSPHRASE|SECRET|TOKEN|ACCESS_KEY|DECRYPTION_KEY|WEBHOOK_URL|PUSHGATEWAY_URL).*");

    /** Environment variables that are not settings of the job. */
    private static final java.util.Set<String> NOT_CARRIED = java.util.Set.of(SettingsResolver.NOW, "DBBACKUP_CONFIG",
            SettingsResolver.LOG_FILE, SchedulePlan.SCHEDULE, SchedulePlan.TARGETS_FILE);

    /**
     * The request for the current settings: what to carry into the job, and the warnings that go with it. Besides the
     * core settings, every other BACKUP_* / DATABASE_* variable of {@code environment} is carried (encryption, offsite,
     * alerts …), secrets only as their {@code _FILE} path.
     */
    public static SetupRequest request(Settings settings, SettingSources sources, CronSchedule schedule, Optional<Path> config,
                                       Optional<String> executable, Map<String, String> environment) {
        List<String> warnings = new ArrayList<>();
        Map<String, String> carried = new LinkedHashMap<>();
        DatabaseUrl url = settings.databaseUrl();
        boolean passwordInUrl = url.password() != null && !url.password().isEmpty();
        Optional<String> passwordFile = sources.get(SettingsResolver.DATABASE_PASSWORD + "_FILE");
        if (!(config.isPresent() && passwordInUrl && passwordFile.isEmpty())) {
            carried.put(SettingsResolver.DATABASE_URL, portableUrl(url, passwordFile.isPresent() ? new ArrayList<>() : warnings));
        }
        passwordFile.ifPresent(file -> carried.put(SettingsResolver.DATABASE_PASSWORD + "_FILE", Path.of(file).toAbsolutePath().toString()));
        carried.put(SettingsResolver.BACKUP_DIR, settings.backupDir().toAbsolutePath().normalize().toString());
        carried.put(SettingsResolver.RETENTION_DAYS, String.valueOf(settings.retention().days()));
        carried.put(SettingsResolver.RETENTION_WEEKS, String.valueOf(settings.retention().weeks()));
        carried.put(SettingsResolver.RETENTION_MONTHS, String.valueOf(settings.retention().months()));
        // the newer tiers go along only when set, so jobs of the defaults read as before
        if (settings.retention().hours() != dev.dbbackup.retention.RetentionPolicy.defaults().hours()) {
            carried.put(SettingsResolver.RETENTION_HOURS, String.valueOf(settings.retention().hours()));
        }
        if (settings.retention().years() != dev.dbbackup.retention.RetentionPolicy.defaults().years()) {
            carried.put(SettingsResolver.RETENTION_YEARS, String.valueOf(settings.retention().years()));
        }
        if (!settings.zone().getId().equals("UTC")) {
            carried.put(SettingsResolver.TIMEZONE, settings.zone().getId());
        }
        sources.get(SettingsResolver.NAME).ifPresent(name -> carried.put(SettingsResolver.NAME, settings.name()));
        if (settings.compressionLevel() != 6) {
            carried.put(SettingsResolver.COMPRESSION_LEVEL, String.valueOf(settings.compressionLevel()));
        }
        new java.util.TreeMap<>(environment).forEach((name, value) -> {
            boolean ours = name.startsWith("BACKUP_") || name.startsWith("DATABASE_");
            String setting = name.endsWith("_FILE") ? name.substring(0, name.length() - "_FILE".length()) : name;
            if (!ours || value.isBlank() || NOT_CARRIED.contains(setting) || carried.containsKey(setting) || carried.containsKey(name)
                    || setting.equals(SettingsResolver.DATABASE_PASSWORD) || setting.equals(SettingsResolver.DATABASE_URL)) {
                return;
            }
            if (name.endsWith("_FILE")) {
                carried.put(name, Path.of(value).toAbsolutePath().normalize().toString());
            } else if (SECRET.matcher(name).matches()) {
                warnings.add(name + " is a secret and is not written into the job: set " + name + "_FILE to a file only the job's user"
                        + " can read (or use --config)");
            } else {
                carried.put(name, value);
            }
        });
        List<String> command = executable.map(List::of).orElseGet(SetupFiles::selfCommand);
        return new SetupRequest(settings.name(), command, Path.of("").toAbsolutePath(), schedule, carried,
                config.map(p -> p.toAbsolutePath().normalize()), warnings);
    }

    /** How this process was started: the native binary, or java -jar with the application jar. */
    static List<String> selfCommand() {
        ProcessHandle.Info info = ProcessHandle.current().info();
        Optional<String> command = info.command();
        if (command.isEmpty()) {
            return List.of("dbbackup");
        }
        String base = Path.of(command.get()).getFileName().toString();
        if (!base.equals("java") && !base.equals("java.exe")) {
            return List.of(command.get());
        }
        String[] args = info.arguments().orElse(new String[0]);
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("-jar")) {
                return List.of(command.get(), "-jar", Path.of(args[i + 1]).toAbsolutePath().normalize().toString());
            }
        }
        return List.of("dbbackup");
    }

    /** Flags the commands accept for settings; anything else is passed in the environment. */
    private static final Map<String, String> FLAGS = Map.of(
            "DATABASE_URL", "--database-url",
            "BACKUP_DIR", "--backup-dir",
            "BACKUP_RETENTION_DAYS", "--retention-days",
            "BACKUP_RETENTION_WEEKS", "--retention-weeks",
            "BACKUP_RETENTION_MONTHS", "--retention-months");

    /** The URL to write into a job: SQLite paths made absolute, PostgreSQL without its password. */
    public static String portableUrl(DatabaseUrl url, List<String> warnings) {
        if (url.kind() == DatabaseUrl.Kind.SQLITE) {
            return "sqlite:///" + url.sqlitePath().toAbsolutePath().normalize().toString().replace('\\', '/');
        }
        String redacted = url.redacted();
        if (url.password() != null && !url.password().isEmpty()) {
            warnings.add("the database password is not written into the job: put it in a file readable only by the job's user"
                    + " and set DATABASE_PASSWORD_FILE (or use --config with a 0600 config file)");
        }
        return redacted.replaceFirst("(://[^:/@\\s]*):\\*\\*\\*@", "$1@").replaceAll("(?i)([?&])password=\\*\\*\\*&?", "$1")
                .replaceAll("[?&]$", "");
    }

    // ---- cron

    /** A crontab line (with {@code cronUser}, a line for /etc/cron.d). */
    public static SetupFile cron(SetupRequest request, Optional<String> cronUser, Optional<Path> logFile) {
        CronFields.of(request.schedule());
        StringBuilder text = new StringBuilder();
        text.append("# dbbackup: back up ").append(request.name()).append(" at '").append(request.schedule().text()).append("' (")
                .append(zoneNote(request.schedule().zone())).append(")\n");
        if (!request.schedule().zone().equals(ZoneId.systemDefault()) && !isUtcLike(request.schedule().zone(), ZoneId.systemDefault())) {
            text.append("# cron uses the system time zone (").append(ZoneId.systemDefault().getId()).append("); BACKUP_TIMEZONE=")
                    .append(request.schedule().zone().getId()).append(" only names the files. Uncomment on cronie:\n# CRON_TZ=")
                    .append(request.schedule().zone().getId()).append('\n');
        }
        Path log = logFile.orElse(request.workDir().resolve("logs").resolve("backup.log"));
        text.append(request.schedule().crontab().orElseThrow()).append(' ');
        cronUser.ifPresent(user -> text.append(user).append(' '));
        String command = "cd " + sh(request.workDir().toString()) + " && mkdir -p " + sh(log.getParent().toString())
                + " && " + shellCommand(request, "backup") + " >> " + sh(log.toString()) + " 2>&1" + " # " + marker(request);
        // cron turns an unescaped % of the command into a line break (a %-encoded URL would lose its tail)
        text.append(command.replace("%", "\\%")).append('\n');
        return new SetupFile(request.unitName().replace('.', '_'), text.toString());
    }

    /** The comment that marks our crontab line, so installing again replaces it. */
    public static String marker(SetupRequest request) {
        return "dbbackup:" + request.name();
    }

    private static String shellCommand(SetupRequest request, String command) {
        List<String> parts = new ArrayList<>();
        request.settings().forEach((name, value) -> {
            if (!FLAGS.containsKey(name)) {
                parts.add(name + "=" + sh(value));
            }
        });
        request.executable().forEach(word -> parts.add(sh(word)));
        parts.add(command);
        parts.addAll(arguments(request).stream().map(SetupFiles::sh).toList());
        return String.join(" ", parts);
    }

    /** --config when a config file is in use (alerts and the rest), then the carried settings that have flags. */
    private static List<String> arguments(SetupRequest request) {
        List<String> args = new ArrayList<>();
        if (request.config().isPresent()) {
            args.add("--config");
            args.add(request.config().get().toString());
        }
        request.settings().forEach((name, value) -> {
            if (FLAGS.containsKey(name)) {
                args.add(FLAGS.get(name));
                args.add(value);
            }
        });
        return args;
    }

    // ---- systemd

    public static List<SetupFile> systemd(SetupRequest request) {
        String unit = request.unitName();
        StringBuilder service = new StringBuilder();
        service.append("# ").append(unit).append(".service: one backup of ").append(request.name())
                .append(", started by ").append(unit).append(".timer\n");
        service.append("[Unit]\nDescription=dbbackup: back up ").append(request.name()).append('\n')
                .append("Wants=network-online.target\nAfter=network-online.target\n\n");
        service.append("[Service]\nType=oneshot\nWorkingDirectory=").append(request.workDir()).append('\n');
        request.settings().forEach((name, value) -> {
            if (!FLAGS.containsKey(name)) {
                service.append("Environment=").append(systemdQuote(name + "=" + value)).append('\n');
            }
        });
        List<String> exec = new ArrayList<>(request.executable());
        exec.add("backup");
        exec.addAll(arguments(request));
        service.append("ExecStart=").append(exec.stream().map(SetupFiles::systemdQuote).collect(Collectors.joining(" "))).append('\n');
        service.append("# a backup is background work\nNice=10\nIOSchedulingClass=idle\n");

        StringBuilder timer = new StringBuilder();
        timer.append("# ").append(unit).append(".timer: starts ").append(unit).append(".service at '").append(request.schedule().text())
                .append("' (").append(zoneNote(request.schedule().zone())).append(")\n");
        timer.append("[Unit]\nDescription=dbbackup: back up ").append(request.name()).append(" at ").append(request.schedule().text())
                .append("\n\n[Timer]\nOnCalendar=").append(onCalendar(request.schedule())).append('\n')
                .append("# run a missed backup after the machine was off (catch-up)\nPersistent=true\n\n")
                .append("[Install]\nWantedBy=timers.target\n");
        return List.of(new SetupFile(unit + ".service", service.toString()), new SetupFile(unit + ".timer", timer.toString()));
    }

    /** systemd's calendar form of a crontab schedule, e.g. {@code *-*-* 02:00:00 UTC}. */
    static String onCalendar(CronSchedule schedule) {
        CronFields f = CronFields.of(schedule);
        String weekdays = f.anyWeekday() ? "" : f.weekdays().stream().map(d -> List.of("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat").get(d))
                .collect(Collectors.joining(",")) + " ";
        String months = f.anyMonth() ? "*" : list(f.months());
        String days = f.anyDay() ? "*" : list(f.days());
        return weekdays + "*-" + months + "-" + days + " " + list(f.hours()) + ":" + list(f.minutes()) + ":00 " + schedule.zone().getId();
    }

    private static String list(TreeSet<Integer> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%02d", v)).collect(Collectors.joining(","));
    }

    private static String systemdQuote(String word) {
        if (word.matches("[A-Za-z0-9_./:=@+,-]+")) {
            return word.replace("%", "%%");
        }
        return "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"").replace("%", "%%") + "\"";
    }

    // ---- Windows

    public static SetupFile windowsTask(SetupRequest request) {
        CronFields f = CronFields.of(request.schedule());
        if (!f.anyDay() || !f.anyMonth()) {
            throw new ConfigException("a Windows task made by install covers daily and weekly schedules, not '"
                    + request.schedule().text() + "'", "use e.g. --cron '0 2 * * *' (daily) or '0 2 * * 0' (Sundays)");
        }
        if (f.hours().size() * f.minutes().size() > 48) {
            throw new ConfigException("the schedule '" + request.schedule().text() + "' runs more than 48 times a day",
                    "use a schedule with fewer runs for a Windows task, or run 'dbbackup schedule' as a service");
        }
        String task = request.unitName();
        List<String> args = new ArrayList<>();
        List<String> exec = request.executable();
        String program = exec.get(0);
        args.addAll(exec.subList(1, exec.size()));
        args.add("backup");
        args.addAll(arguments(request));
        String argumentLine = args.stream().map(SetupFiles::windowsArg).collect(Collectors.joining(" "));
        StringBuilder ps = new StringBuilder();
        ps.append("# Registers the scheduled task '").append(task).append("': back up ").append(request.name()).append(" at '")
                .append(request.schedule().text()).append("' (local time of this machine).\n")
                .append("# Run in an elevated PowerShell:  powershell -ExecutionPolicy Bypass -File ").append(task).append(".ps1\n");
        request.settings().forEach((name, value) -> {
            if (!FLAGS.containsKey(name)) {
                ps.append("# set ").append(name).append('=').append(value)
                        .append(" for the task's user (setx /M ").append(name).append(" \"").append(value).append("\") or use --config\n");
            }
        });
        ps.append("$ErrorActionPreference = 'Stop'\n");
        ps.append("$action = New-ScheduledTaskAction -Execute ").append(psQuote(program)).append(" -Argument ").append(psQuote(argumentLine))
                .append(" -WorkingDirectory ").append(psQuote(request.workDir().toString())).append('\n');
        ps.append("$triggers = @(\n");
        List<String> triggers = new ArrayList<>();
        String days = f.weekdays().stream().map(d -> List.of("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday").get(d))
                .collect(Collectors.joining(","));
        for (int hour : f.hours()) {
            for (int minute : f.minutes()) {
                String at = String.format(Locale.ROOT, "%02d:%02d", hour, minute);
                triggers.add(f.anyWeekday() ? "    New-ScheduledTaskTrigger -Daily -At '" + at + "'"
                        : "    New-ScheduledTaskTrigger -Weekly -DaysOfWeek " + days + " -At '" + at + "'");
            }
        }
        ps.append(String.join(",\n", triggers)).append("\n)\n");
        ps.append("# StartWhenAvailable runs a missed backup once the machine is on again (catch-up)\n");
        ps.append("$settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -MultipleInstances IgnoreNew")
                .append(" -ExecutionTimeLimit (New-TimeSpan -Hours 12)\n");
        ps.append("Register-ScheduledTask -TaskName ").append(psQuote(task)).append(" -Description ")
                .append(psQuote("dbbackup: back up " + request.name() + " at " + request.schedule().text()))
                .append(" -Action $action -Trigger $triggers -Settings $settings -User 'SYSTEM' -RunLevel Highest -Force | Out-Null\n");
        ps.append("Get-ScheduledTask -TaskName ").append(psQuote(task)).append(" | Format-List TaskName,State,Description\n");
        return new SetupFile(task + ".ps1", ps.toString());
    }

    private static String psQuote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static String windowsArg(String arg) {
        return arg.matches("[A-Za-z0-9_./:=@+,\\\\-]+") ? arg : "\"" + arg.replace("\"", "\\\"") + "\"";
    }

    // ---- compose

    /**
     * A compose service running {@code dbbackup schedule} in the image, with the backup folder (and a SQLite
     * database's folder) mounted, the password as a secret and the health check.
     */
    public static SetupFile compose(SetupRequest request, DatabaseUrl url, Optional<String> passwordFile, String image, String maxAge) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> volumes = new ArrayList<>();
        String dbUrl = request.settings().get("DATABASE_URL");
        if (url.kind() == DatabaseUrl.Kind.SQLITE) {
            Path file = url.sqlitePath().toAbsolutePath().normalize();
            volumes.add(file.getParent() + ":/data");
            dbUrl = "sqlite:////data/" + file.getFileName();
        }
        env.put("DATABASE_URL", dbUrl);
        if (passwordFile.isPresent() || url.password() != null) {
            env.put("DATABASE_PASSWORD_FILE", "/run/secrets/db_password");
        }
        volumes.add(0, request.settings().getOrDefault("BACKUP_DIR", "./backups") + ":/backups");
        env.put("BACKUP_DIR", "/backups");
        env.put("BACKUP_SCHEDULE", request.schedule().text());
        env.put("BACKUP_TIMEZONE", request.schedule().zone().getId());
        List<String> secretFiles = new ArrayList<>();
        request.settings().forEach((name, value) -> {
            if (name.endsWith("_FILE")) {
                if (!name.equals("DATABASE_PASSWORD_FILE")) {
                    secretFiles.add(name);
                }
            } else if (!env.containsKey(name)) {
                env.put(name, value);
            }
        });
        env.put("BACKUP_MAX_AGE", maxAge);
        StringBuilder yaml = new StringBuilder();
        yaml.append("# dbbackup as a compose service: backs up ").append(request.name()).append(" at '").append(request.schedule().text())
                .append("' (").append(request.schedule().zone().getId()).append("), keeps retention, serves health and metrics.\n")
                .append("# Start it with your stack:  docker compose -f compose.yaml -f compose.dbbackup.yaml up -d\n")
                .append("services:\n  backup:\n    image: ").append(image).append('\n')
                .append("    command: [\"schedule\"]\n    restart: unless-stopped\n    environment:\n");
        env.forEach((name, value) -> yaml.append("      ").append(name).append(": ").append(yamlQuote(value)).append('\n'));
        for (String name : secretFiles) {
            yaml.append("      # ").append(name).append(": /run/secrets/…   (add the file as a secret of this service)\n");
        }
        yaml.append("    volumes:\n");
        volumes.forEach(v -> yaml.append("      - ").append(yamlQuote(v)).append('\n'));
        if (env.containsKey("DATABASE_PASSWORD_FILE")) {
            yaml.append("    secrets:\n      - db_password\n");
        }
        yaml.append("    # exit 0 while the newest good backup is younger than BACKUP_MAX_AGE, else 8 (unhealthy)\n")
                .append("    healthcheck:\n      test: [\"CMD\", \"dbbackup\", \"health\"]\n")
                .append("      interval: 5m\n      timeout: 30s\n      start_period: 10m\n      retries: 1\n")
                .append("    # SIGTERM lets a running backup finish for BACKUP_SHUTDOWN_GRACE (5s), then aborts it cleanly\n")
                .append("    stop_grace_period: 1m\n");
        if (env.containsKey("DATABASE_PASSWORD_FILE")) {
            yaml.append("secrets:\n  db_password:\n    file: ").append(passwordFile.map(SetupFiles::yamlQuote).orElse("./secrets/db_password.txt"))
                    .append('\n');
        }
        return new SetupFile("compose.dbbackup.yaml", yaml.toString());
    }

    private static String yamlQuote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String sh(String word) {
        return word.matches("[A-Za-z0-9_./:=@+,%-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    private static String zoneNote(ZoneId zone) {
        return zone.getId();
    }

    private static boolean isUtcLike(ZoneId a, ZoneId b) {
        return a.normalized().equals(ZoneOffset.UTC) && b.normalized().equals(ZoneOffset.UTC);
    }
}
