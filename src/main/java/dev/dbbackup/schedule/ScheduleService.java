package dev.dbbackup.schedule;

import dev.dbbackup.metrics.BackupMetrics;
import dev.dbbackup.operation.HealthOperation;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.health.api.HealthRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * {@code dbbackup schedule}: registers each target's cron triggers with quarkus-scheduler, runs the jobs one at a
 * time on its own thread (so two backups never compete for the disk), catches up a missed run at start, and on
 * SIGTERM/SIGINT lets the running backup finish within the grace period, then aborts it cleanly.
 */
@ApplicationScoped
public class ScheduleService {

    private static final Logger LOG = Logger.getLogger(ScheduleService.class);
    private static final String STALE_CHECK_EVERY = "10m";
    private static final Duration ABORT_WAIT = Duration.ofSeconds(30);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);

    @Inject
    Scheduler scheduler;

    @Inject
    TargetJobs jobs;

    @Inject
    HealthOperation health;

    @Inject
    BackupMetrics metrics;

    @Inject
    @Readiness
    HealthRegistry readiness;

    private final StopSignal stop = new StopSignal();
    private final AtomicBoolean abort = new AtomicBoolean();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final List<String> jobIds = new ArrayList<>();
    private final ThreadPoolExecutor runner = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
            task -> new Thread(task, "dbbackup-jobs"));
    private volatile boolean running;
    private volatile boolean finished;

    /** Runs the plan until SIGTERM or SIGINT; returns once the running job finished or was aborted. */
    public void run(SchedulePlan plan) {
        stop.install();
        for (ScheduleTarget target : plan.targets()) {
            metrics.refresh(target.settings());
            readiness.register("backup " + target.name(), new BackupFreshnessCheck(health, target));
        }
        for (ScheduleTarget target : plan.targets()) {
            schedule(target);
        }
        scheduleJob("stale-check", null, STALE_CHECK_EVERY, () -> plan.targets().forEach(t -> submit("stale " + t.name(), () -> jobs.staleCheck(t))));
        running = true;
        if (plan.catchUp()) {
            plan.targets().forEach(this::catchUp);
        }
        plan.targets().forEach(t -> submit("stale " + t.name(), () -> jobs.staleCheck(t)));
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shutdown(plan.shutdownGrace());
    }

    /** Ready while the scheduler runs; the liveness check reads this. */
    boolean running() {
        return running && !runner.isTerminated();
    }

    private void schedule(ScheduleTarget target) {
        scheduleJob("backup-" + target.name(), target.backups(), null,
                () -> submit("backup " + target.name(), () -> jobs.backup(target, "scheduled", stop, abort::get)));
        target.testRestore().ifPresent(cron -> scheduleJob("test-restore-" + target.name(), cron, null,
                () -> submit("test-restore " + target.name(), () -> jobs.testRestore(target))));
        ZonedDateTime now = ZonedDateTime.now(target.backups().zone());
        LOG.infof("[%s] %s → %s: backups at '%s' (%s), next %s; test restores %s", target.name(),
                target.settings().databaseUrl().redacted(), target.settings().backupDir().toAbsolutePath().normalize(),
                target.backups().text(), target.backups().zone().getId(),
                target.backups().next(now).map(WHEN::format).orElse("never"),
                target.testRestore().map(c -> "at '" + c.text() + "'").orElse(target.testRestorePolicy().describe()));
    }

    private void scheduleJob(String id, CronSchedule cron, String every, Runnable task) {
        Scheduler.JobDefinition<?> job = scheduler.newJob(id).setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> task.run());
        if (cron != null) {
            job.setCron(cron.quartz()).setTimeZone(cron.zone().getId());
        } else {
            job.setInterval(every);
        }
        job.schedule();
        jobIds.add(id);
    }

    /** Queues a job unless the same one is already waiting (a slow backup must not pile up its own triggers). */
    private void submit(String key, Runnable job) {
        if (stop.requested()) {
            return;
        }
        if (!queued.add(key)) {
            if (key.startsWith("backup ")) {
                LOG.warnf("%s is still waiting or running; this trigger is skipped", key);
            }
            return;
        }
        try {
            runner.execute(() -> {
                queued.remove(key);
                if (stop.requested()) {
                    return;
                }
                try {
                    job.run();
                } catch (RuntimeException e) {
                    LOG.errorf(e, "%s failed unexpectedly: %s", key, e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            queued.remove(key);
        }
    }

    /** At start: one backup now when the newest good backup is older than the schedule's interval (a run was missed). */
    private void catchUp(ScheduleTarget target) {
        HealthOperation.Health state = health.check(target.settings(), target.settings().maxAge());
        ZonedDateTime now = target.settings().clock().instant().atZone(target.backups().zone());
        Optional<Duration> interval = target.backups().interval(now);
        String why;
        if (state.ageSeconds() == null) {
            why = "catch-up: there is no good backup yet";
        } else if (interval.isPresent() && state.ageSeconds() > interval.get().toSeconds()) {
            why = String.format(Locale.ROOT, "catch-up: the newest good backup is %s old, more than the schedule's interval of %s",
                    TargetJobs.words(Duration.ofSeconds(state.ageSeconds())), TargetJobs.words(interval.get()));
        } else {
            return;
        }
        LOG.infof("[%s] %s", target.name(), why);
        submit("backup " + target.name(), () -> jobs.backup(target, why, stop, abort::get));
    }

    private void shutdown(Duration grace) {
        LOG.infof("stopping (%s): no new jobs start", stop.reason());
        for (String id : jobIds) {
            scheduler.unscheduleJob(id);
        }
        runner.getQueue().clear();
        queued.clear();
        runner.shutdown();
        try {
            if (!runner.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("the running job did not finish within the grace period of %s (BACKUP_SHUTDOWN_GRACE); aborting it",
                        TargetJobs.words(grace));
                abort.set(true);
                if (!runner.awaitTermination(ABORT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.errorf("the running job did not stop within %s; exiting anyway (its temporary file is removed by the next run)",
                            TargetJobs.words(ABORT_WAIT));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running = false;
        finished = true;
        LOG.info("scheduler stopped");
    }

    /** The JVM is going down another way (SIGHUP, an exit elsewhere): stop as on SIGTERM and wait for it. */
    void onShutdown(@Observes ShutdownEvent event) {
        if (!running || finished) {
            return;
        }
        stop.stop("shutdown");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (!finished && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
