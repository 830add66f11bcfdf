package dev.dbbackup.schedule;

import com.cronutils.mapper.CronMapper;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.dbbackup.config.ConfigException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A cron expression for a schedule: the crontab form (5 fields, e.g. the seed's {@code 0 2 * * *}), a nickname
 * ({@code @daily} …) or the Quartz form with seconds (6–7 fields, e.g. {@code *}{@code /5 * * * * ?}), in a time zone.
 */
public final class CronSchedule {

    private static final Map<String, String> NICKNAMES = Map.of(
            "@hourly", "0 * * * *",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@weekly", "0 0 * * 0",
            "@monthly", "0 0 1 * *",
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *");

    private final String text;
    private final Cron quartz;
    private final Optional<Cron> unix;
    private final ZoneId zone;
    private final ExecutionTime times;

    private CronSchedule(String text, Cron quartz, Optional<Cron> unix, ZoneId zone) {
        this.text = text;
        this.quartz = quartz;
        this.unix = unix;
        this.zone = zone;
        this.times = ExecutionTime.forCron(quartz);
    }

    /** Parses {@code text}; {@code setting} names the setting for the error message. */
    public static CronSchedule parse(String setting, String text, ZoneId zone) {
        String expression = text.strip().replaceAll("\\s+", " ");
        String expanded = NICKNAMES.getOrDefault(expression.toLowerCase(Locale.ROOT), expression);
        int fields = expanded.isEmpty() ? 0 : expanded.split(" ").length;
        try {
            if (fields == 5) {
                String[] f = expanded.split(" ");
                if (!f[2].equals("*") && !f[2].equals("?") && !f[4].equals("*") && !f[4].equals("?")) {
                    throw new ConfigException(setting + " '" + text + "' restricts both the day of month and the weekday",
                            "restrict only one of them, e.g. '0 2 1 * *' (the 1st) or '0 2 * * 0' (Sundays)");
                }
                Cron unix = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX)).parse(expanded).validate();
                Cron quartz = CronMapper.fromUnixToQuartz().map(unix).validate();
                return new CronSchedule(expression, quartz, Optional.of(unix), zone);
            }
            if (fields == 6 || fields == 7) {
                Cron quartz = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ)).parse(expanded).validate();
                return new CronSchedule(expression, quartz, Optional.empty(), zone);
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting + " '" + text + "' is not a valid cron expression: " + e.getMessage(),
                    "use 5 crontab fields (minute hour day month weekday), e.g. '0 2 * * *' for 02:00 daily");
        }
        throw new ConfigException(setting + " '" + text + "' has " + fields + " fields",
                "use 5 crontab fields (minute hour day month weekday), e.g. '0 2 * * *' for 02:00 daily");
    }

    /** The expression as the operator wrote it. */
    public String text() {
        return text;
    }

    /** The Quartz form (seconds first) that quarkus-scheduler runs. */
    public String quartz() {
        return quartz.asString();
    }

    /** The crontab form, when the schedule was written as one (or a nickname); empty for a Quartz expression. */
    public Optional<String> crontab() {
        return unix.map(Cron::asString);
    }

    public ZoneId zone() {
        return zone;
    }

    public Optional<ZonedDateTime> next(ZonedDateTime after) {
        return times.nextExecution(after.withZoneSameInstant(zone));
    }

    public Optional<ZonedDateTime> previous(ZonedDateTime before) {
        return times.lastExecution(before.withZoneSameInstant(zone));
    }

    /**
     * The time between the last two runs before {@code now} (a day for {@code 0 2 * * *}); a backup older than this
     * means a run was missed.
     */
    public Optional<Duration> interval(ZonedDateTime now) {
        Optional<ZonedDateTime> last = previous(now);
        if (last.isEmpty()) {
            return Optional.empty();
        }
        return previous(last.get()).map(before -> Duration.between(before, last.get()));
    }

    @Override
    public String toString() {
        return text + " (" + zone.getId() + ")";
    }
}
