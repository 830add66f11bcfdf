package dev.dbbackup.pipeline;

/**
 * Shows a running backup or restore to a person (the CLI installs one when stderr is a terminal).
 * The pipeline asks {@link #current()} for it; by default nothing is shown.
 */
public interface ProgressDisplay {

    ProgressDisplay NONE = new ProgressDisplay() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public Shown show(String activity, TransferMeter meter) {
            return () -> { };
        }
    };

    /** False when nothing would be shown, so callers can skip work that only feeds the display. */
    boolean enabled();

    /** Shows {@code meter} under {@code activity} until the returned handle is closed. */
    Shown show(String activity, TransferMeter meter);

    /** The display of this process. */
    static ProgressDisplay current() {
        return Installed.display;
    }

    /** Makes {@code display} the display of this process (null = none). */
    static void install(ProgressDisplay display) {
        Installed.display = display == null ? NONE : display;
    }

    /** A display in progress; closing it takes the display off the screen. */
    @FunctionalInterface
    interface Shown extends AutoCloseable {
        @Override
        void close();
    }

    /** Holder of the installed display (interfaces cannot hold mutable state themselves). */
    final class Installed {
        private static volatile ProgressDisplay display = NONE;

        private Installed() {
        }
    }
}
