package dev.dbbackup.schedule;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.operation.BackupOperation;
import dev.dbbackup.operation.DatabaseUnreachableException;
import dev.dbbackup.operation.DbBackupException;
import dev.dbbackup.operation.ExitCode;
import dev.dbbackup.operation.HealthOperation;
import dev.dbbackup.operation.TestRestoreOperation;
import dev.dbbackup.operation.VerifyOperation;
import dev.dbbackup.operation.alert.AlertEvent;
import dev.dbbackup.operation.alert.Alerts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/** What the scheduler does for one target: a backup with retries and alerts, a test restore, a staleness check. */
@ApplicationScoped
public class TargetJobs {

    private static final Logger LOG = Logger.getLogger(TargetJobs.class);

    @Inject
    BackupOperation backup;

    @Inject
    TestRestoreOperation testRestore;

    @Inject
    HealthOperation health;

    @Inject
    Alerts alerts;

    /** Targets already alerted as stale, so a stale backup raises one alert, not one every check. */
    private final Set<String> staleAlerted = ConcurrentHashMap.newKeySet();

    /** When a test-restore of each target last passed in this process. */
    private final Map<String, Instant> testRestorePassed = new ConcurrentHashMap<>();

    /**
     * One backup (with retention), retried while the database is unreachable.
     *
     * @param stop  waits between retries; returns true (stop the retries) when the scheduler is stopping
     * @param abort true once the running dump must stop at its next write
     */
    void backup(ScheduleTarget target, String why, StopSignal stop, BooleanSupplier abort) {
        int attempts = target.retry().retries() + 1;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            LOG.infof("[%s] backup started (%s)%s", target.name(), why, attempt > 1 ? ", attempt " + attempt + " of " + attempts : "");
            try {
                BackupOperation.BackupReport report = backup.run(target.settings(), Optional.empty(), DumpOptions.defaults(), false, abort);
                LOG.infof("[%s] backup done: %s (%d bytes, %.1f s), retention deleted %d", target.name(), report.path(),
                        report.storedBytes(), report.duration().toMillis() / 1000.0, report.deleted().size());
                staleAlerted.remove(target.name());
                alerts.backupSucceeded(target.alerts(), target.settings(), report);
                testRestoreIfDue(target, stop);
                return;
            } catch (DatabaseUnreachableException e) {
                if (attempt < attempts && !stop.requested()) {
                    Duration delay = target.retry().delayBefore(attempt);
                    LOG.warnf("[%s] %s; retrying in %s (%d of %d retries left)", target.name(), e.getMessage(), words(delay),
                            attempts - attempt, target.retry().retries());
                    if (waitOrStop(stop, delay)) {
                        LOG.infof("[%s] retries given up: dbbackup is stopping", target.name());
                        return;
                    }
                    continue;
                }
                failed(target, e, attempt);
                return;
            } catch (DbBackupException e) {
                if (e.exitCode() == ExitCode.LOCK_HELD) {
                    LOG.warnf("[%s] backup skipped: %s", target.name(), e.getMessage());
                    return;
                }
                if (abort.getAsBoolean()) {
                    LOG.warnf("[%s] backup aborted because dbbackup is stopping; no backup file was written", target.name());
                    return;
                }
                failed(target, e, attempt);
                return;
            } catch (RuntimeException e) {
                failed(target, e, attempt);
                return;
            }
        }
    }

    private void failed(ScheduleTarget target, RuntimeException e, int attempts) {
        LOG.errorf("[%s] backup failed%s: %s", target.name(), attempts > 1 ? " after " + attempts + " attempts" : "", e.getMessage());
        if (e instanceof DbBackupException d && d.hint() != null) {
            LOG.errorf("[%s] hint: %s", target.name(), d.hint());
        }
        LOG.debug("failure detail", e);
        alerts.backupFailed(target.alerts(), target.settings(), e, attempts);
    }

    /** After a good backup: test-restore it when BACKUP_TEST_RESTORE says so (unless dbbackup is stopping). */
    private void testRestoreIfDue(ScheduleTarget target, StopSignal stop) {
        // Retention may delete the backup whose manifest recorded the last pass, so this process also remembers it.
        Optional<Instant> lastPassed = Stream.concat(testRestore.lastPassed(target.settings()).stream(),
                Optional.ofNullable(testRestorePassed.get(target.name())).stream()).max(Instant::compareTo);
        Optional<String> why = target.testRestorePolicy().due(lastPassed, target.settings().clock().instant());
        if (why.isEmpty() || stop.requested()) {
            return;
        }
        LOG.infof("[%s] test-restore of the new backup (%s)", target.name(), why.get());
        try {
            testRestore(target);
        } catch (RuntimeException e) {
            // The backup itself succeeded; an unexpected test-restore error must not be reported as a failed backup.
            LOG.errorf(e, "[%s] test-restore could not run: %s", target.name(), e.getMessage());
        }
    }

    /** The scheduled test-restore of the newest backup into a scratch target (as {@code verify latest --restore}). */
    void testRestore(ScheduleTarget target) {
        try {
            VerifyOperation.VerificationResult result = testRestore.run(target.settings(), "latest", target.scratchUrl());
            if (result.passed()) {
                testRestorePassed.put(target.name(), target.settings().clock().instant());
                LOG.infof("[%s] test-restore passed: %s (%s)", target.name(), result.location(), String.join(", ", result.passedChecks()));
            } else {
                LOG.errorf("[%s] test-restore FAILED: %s: %s", target.name(), result.location(), result.failure().orElse("?"));
                alerts.send(target.alerts(), AlertEvent.verificationFailed(target.settings(), result));
            }
        } catch (DbBackupException e) {
            LOG.errorf("[%s] test-restore could not run: %s", target.name(), e.getMessage());
            alerts.send(target.alerts(), AlertEvent.backupFailed(target.settings(), e, 1));
        }
    }

    /** Raises one stale alert when the newest good backup is older than BACKUP_MAX_AGE (and again only after it recovered). */
    void staleCheck(ScheduleTarget target) {
        HealthOperation.Health result = health.check(target.settings(), target.settings().maxAge());
        if (result.healthy()) {
            staleAlerted.remove(target.name());
            return;
        }
        if (staleAlerted.add(target.name())) {
            LOG.warnf("[%s] backups are stale: %s", target.name(), result.reason());
            alerts.send(target.alerts(), AlertEvent.stale(target.settings(), result));
        }
    }

    private static boolean waitOrStop(StopSignal stop, Duration delay) {
        try {
            return stop.await(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    static String words(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return String.format(Locale.ROOT, "%.0f min", seconds / 60.0);
        }
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600.0);
    }
}
