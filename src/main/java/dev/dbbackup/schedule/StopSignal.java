package dev.dbbackup.schedule;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into an orderly stop of the scheduler. Taking the signals over (instead of letting
 * the JVM exit with 143) lets the running backup finish or abort cleanly and the process exit with 0.
 */
final class StopSignal {

    private static final Logger LOG = Logger.getLogger(StopSignal.class);

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile String reason = "";

    void install() {
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), signal -> stop("SIG" + signal.getName()));
            } catch (IllegalArgumentException e) {
                LOG.debugf("signal %s cannot be handled here: %s", name, e.getMessage());
            }
        }
    }

    void stop(String why) {
        if (stopped.getCount() > 0) {
            reason = why;
            stopped.countDown();
        }
    }

    boolean requested() {
        return stopped.getCount() == 0;
    }

    String reason() {
        return reason;
    }

    void await() throws InterruptedException {
        stopped.await();
    }

    /** Waits up to {@code millis}; true when a stop was requested meanwhile. */
    boolean await(long millis) throws InterruptedException {
        return stopped.await(millis, TimeUnit.MILLISECONDS);
    }
}
