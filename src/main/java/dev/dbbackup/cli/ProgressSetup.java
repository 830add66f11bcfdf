package dev.dbbackup.cli;

import dev.dbbackup.pipeline.ProgressDisplay;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.logging.Level;
import org.jboss.logmanager.Logger;

/**
 * Installs the terminal progress line when this process talks to a person: stderr on a terminal
 * (System.console() is the proxy: it exists only when stdin and stdout are terminals), a TERM that can
 * redraw a line, and not --quiet. Otherwise (cron, pipes, CI, logs) nothing is shown.
 */
@ApplicationScoped
class ProgressSetup {

    void install(@Observes StartupEvent started) {
        boolean terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        if (terminal) {
            ProgressDisplay.install(new TerminalProgress(System.err, ProgressSetup::notQuiet, System::nanoTime));
        }
    }

    private static boolean notQuiet() {
        Level level = Logger.getLogger("dev.dbbackup").getLevel();
        return level == null || level.intValue() < Level.WARNING.intValue();
    }
}
