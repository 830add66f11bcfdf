package dev.dbbackup.operation;

import dev.dbbackup.config.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Told about the outcome of each operation (metrics, size history). Implementations are CDI beans; they must
 * be quick and must not throw: a failing observer is logged and never fails the operation.
 */
public interface OperationObserver {

    default void backupSucceeded(Settings settings, Instant started, BackupOperation.BackupReport report) {
    }

    /** The backup failed, or could not start (lock held, database unreachable); {@code failure} says which. */
    default void backupFailed(Settings settings, Instant started, Duration duration, RuntimeException failure) {
    }

    default void pruned(Settings settings, PruneOperation.PruneReport report) {
    }

    default void verified(Settings settings, VerifyOperation.VerificationResult result) {
    }

    default void restored(Settings settings, RestoreOperation.RestoreReport report) {
    }

    /** A test-restore into a scratch target ran (passed or failed) in {@code duration}. */
    default void testRestored(Settings settings, VerifyOperation.VerificationResult result, Duration duration) {
    }

    /** Calls {@code event} on every observer, logging (not throwing) what an observer throws. */
    static void tell(List<OperationObserver> observers, Consumer<OperationObserver> event) {
        for (OperationObserver observer : observers) {
            try {
                event.accept(observer);
            } catch (RuntimeException e) {
                Logger.getLogger(OperationObserver.class).warnf("%s failed: %s", observer.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
