package dev.dbbackup.cli;

import dev.dbbackup.pipeline.ProgressDisplay;
import dev.dbbackup.pipeline.TransferMeter;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * One self-rewriting status line on stderr while a backup or restore runs: bytes, tables and rows done,
 * rate and, when the total is known, percent and ETA. Shown only after the first second (short runs print
 * nothing), redrawn twice a second, erased when done. It never goes to the logs.
 */
final class TerminalProgress implements ProgressDisplay {

    private static final long DELAY_NANOS = 1_000_000_000L;
    private static final long PERIOD_MILLIS = 500;

    private final PrintStream err;
    private final BooleanSupplier wanted;
    private final LongSupplier clock;

    TerminalProgress(PrintStream err, BooleanSupplier wanted, LongSupplier nanoClock) {
        this.err = err;
        this.wanted = wanted;
        this.clock = nanoClock;
    }

    @Override
    public boolean enabled() {
        return wanted.getAsBoolean();
    }

    @Override
    public Shown show(String activity, TransferMeter meter) {
        if (!enabled()) {
            return () -> { };
        }
        Line line = new Line(activity, meter);
        Thread thread = new Thread(line, "progress");
        thread.setDaemon(true);
        thread.start();
        return () -> {
            line.stop = true;
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** The text of the status line for {@code meter} at {@code now} (nanoTime). */
    static String render(String activity, TransferMeter meter, long now) {
        double seconds = Math.max(0.001, (now - meter.startNanos()) / 1e9);
        StringBuilder text = new StringBuilder(activity);
        long stored = meter.storedBytes();
        long plain = meter.plainBytes();
        long expectedStored = meter.expectedStoredBytes();
        long expectedPlain = meter.expectedPlainBytes();
        double fraction = -1;
        if (expectedStored > 0) {
            fraction = Math.min(1.0, (double) stored / expectedStored);
        } else if (expectedPlain > 0) {
            fraction = Math.min(1.0, (double) plain / expectedPlain);
        }
        if (fraction >= 0) {
            text.append(String.format(Locale.ROOT, " %3.0f%%", fraction * 100));
        }
        text.append("  ").append(Format.bytes(plain)).append(" SQL, ").append(Format.bytes(stored)).append(" stored");
        if (meter.tables() > 0) {
            text.append("  ").append(meter.tables());
            if (meter.expectedTables() > 0) {
                text.append('/').append(meter.expectedTables());
            }
            text.append(meter.tables() == 1 && meter.expectedTables() <= 0 ? " table, " : " tables, ")
                    .append(String.format(Locale.ROOT, "%,d", meter.rows())).append(" rows");
        }
        text.append("  ").append(Format.bytes((long) (plain / seconds))).append("/s");
        text.append("  ").append(clock(seconds));
        if (fraction > 0.01 && fraction < 1.0) {
            text.append("  ETA ").append(expectedStored > 0 ? "" : "~").append(clock(seconds / fraction - seconds));
        }
        return text.toString();
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Redraws the line until stopped, then erases it. */
    private final class Line implements Runnable {
        private final String activity;
        private final TransferMeter meter;
        private volatile boolean stop;

        Line(String activity, TransferMeter meter) {
            this.activity = activity;
            this.meter = meter;
        }

        @Override
        public void run() {
            boolean drawn = false;
            try {
                while (!stop) {
                    if (clock.getAsLong() - meter.startNanos() >= DELAY_NANOS) {
                        err.print("\r" + render(activity, meter, clock.getAsLong()) + "\033[K");
                        err.flush();
                        drawn = true;
                    }
                    Thread.sleep(PERIOD_MILLIS);
                }
            } catch (InterruptedException e) {
                // stopped
            } finally {
                if (drawn) {
                    err.print("\r\033[K");
                    err.flush();
                }
            }
        }
    }
}
