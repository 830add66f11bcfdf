package dev.dbbackup.schedule;

import dev.dbbackup.config.ConfigException;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** The five crontab fields expanded to the values they match, for translating a schedule to systemd and Windows. */
record CronFields(TreeSet<Integer> minutes, TreeSet<Integer> hours, TreeSet<Integer> days, TreeSet<Integer> months,
                  TreeSet<Integer> weekdays, boolean anyDay, boolean anyMonth, boolean anyWeekday) {

    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> WEEKDAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    static CronFields of(CronSchedule schedule) {
        String crontab = schedule.crontab().orElseThrow(() -> new ConfigException(
                "the schedule '" + schedule.text() + "' is a Quartz expression; cron, systemd and Windows need 5 crontab fields",
                "use e.g. --cron '0 2 * * *'"));
        String[] f = crontab.strip().split("\\s+");
        TreeSet<Integer> weekdays = new TreeSet<>();
        for (int day : expand(f[4], 0, 7, WEEKDAYS, 0)) {
            weekdays.add(day % 7);
        }
        return new CronFields(expand(f[0], 0, 59, List.of(), 0), expand(f[1], 0, 23, List.of(), 0), expand(f[2], 1, 31, List.of(), 1),
                expand(f[3], 1, 12, MONTHS, 1), weekdays, any(f[2]), any(f[3]), any(f[4]));
    }

    private static boolean any(String field) {
        return field.equals("*") || field.equals("?");
    }

    private static TreeSet<Integer> expand(String field, int min, int max, List<String> names, int firstNameValue) {
        TreeSet<Integer> values = new TreeSet<>();
        for (String item : field.split(",")) {
            int step = 1;
            String range = item;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                step = Integer.parseInt(item.substring(slash + 1));
                range = item.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*") || range.equals("?")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                from = value(range.substring(0, range.indexOf('-')), names, firstNameValue);
                to = value(range.substring(range.indexOf('-') + 1), names, firstNameValue);
            } else {
                from = value(range, names, firstNameValue);
                to = slash >= 0 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                values.add(v);
            }
        }
        return values;
    }

    private static int value(String text, List<String> names, int firstNameValue) {
        int index = names.indexOf(text.toUpperCase(Locale.ROOT));
        if (index >= 0) {
            return index + firstNameValue;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigException("cannot translate the cron field value '" + text + "'",
                    "write the schedule with numbers, e.g. '0 2 * * 0'");
        }
    }
}
