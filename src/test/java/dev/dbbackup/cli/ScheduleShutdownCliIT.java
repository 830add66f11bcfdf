package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.schedule.BigDatabase;
import dev.dbbackup.schedule.ScheduleProcess;
import dev.dbbackup.testing.Cli;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the scheduler in the middle of a backup, and what a one-shot run does not start. The database is big enough
 * that its backup takes seconds.
 */
class ScheduleShutdownCliIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String BACKUP_RUNNING = "backup started: sqlite database";

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private static Path big;

    @BeforeAll
    static void bigDatabase() throws Exception {
        big = BigDatabase.create(shared.resolve("big.db"), 150_000);
    }

    @BeforeEach
    void copyDatabase() throws Exception {
        Files.copy(big, dir.resolve("app.db"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static Map<String, String> env(String... pairs) {
        java.util.HashMap<String, String> env = new java.util.HashMap<>(Map.of("DATABASE_URL", "sqlite:///./app.db",
                "BACKUP_COMPRESSION_LEVEL", "9"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private List<String> filesUnder(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void sigtermAbortsARunningBackupCleanlyAndExitsZero() throws Exception {
        try (ScheduleProcess scheduler = ScheduleProcess.start(dir, env(), "schedule", "--shutdown-grace", "0s")) {
            scheduler.awaitLog(BACKUP_RUNNING, WAIT);
            assertEquals(0, scheduler.terminate(WAIT), scheduler.log());
            String log = scheduler.log();
            assertTrue(log.contains("did not finish within the grace period of 0 s (BACKUP_SHUTDOWN_GRACE); aborting it"), log);
            assertTrue(log.contains("backup aborted because dbbackup is stopping; no backup file was written"), log);
            assertFalse(log.contains("backup written"), log);
        }
        Path backups = dir.resolve("backups");
        assertEquals(List.of(".dbbackup.lock"), filesUnder(backups), "no backup, no manifest, no temporary file");
        assertEquals(0, Files.size(backups.resolve(".dbbackup.lock")), "the lock was released, not left behind");
        Cli.Result health = Cli.run(dir, env(), "health");
        assertEquals(8, health.exitCode(), "nothing counts as a good backup: " + health);
    }

    @Test
    void sigtermLetsARunningBackupFinishWithinTheGracePeriod() throws Exception {
        try (ScheduleProcess scheduler = ScheduleProcess.start(dir, env(), "schedule", "--shutdown-grace", "2m")) {
            scheduler.awaitLog(BACKUP_RUNNING, WAIT);
            assertEquals(0, scheduler.terminate(WAIT), scheduler.log());
            String log = scheduler.log();
            assertTrue(log.indexOf("[app.db] backup done") < log.indexOf("scheduler stopped") && log.contains("[app.db] backup done"), log);
        }
        Cli.Result verify = Cli.run(dir, env(), "verify", "latest");
        assertEquals(0, verify.exitCode(), verify::toString);
        assertTrue(verify.stdout().startsWith("PASS "), verify.stdout());
    }

    @Test
    void aOneShotRunStartsNoSchedulerThreadAndOpensNoPort() throws Exception {
        int port = ScheduleProcess.freePort();
        List<String> command = Cli.command("backup");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(env("QUARKUS_HTTP_PORT", String.valueOf(port)));
        builder.environment().remove("BACKUP_DIR");
        Process oneShot = builder.start();
        try {
            StringBuilder log = new StringBuilder();
            try (var err = new java.io.BufferedReader(new java.io.InputStreamReader(oneShot.getErrorStream()))) {
                String line;
                while ((line = err.readLine()) != null && !line.contains(BACKUP_RUNNING)) {
                    log.append(line).append('\n');
                }
                assertTrue(line != null, "the backup never started:\n" + log);
                String threads = Cli.tool(dir, Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        String.valueOf(oneShot.pid()), "Thread.print").stdout();
                assertTrue(threads.contains("\"main\""), "jcmd saw the process: " + threads);
                assertFalse(threads.contains("quarkus-scheduler"), threads);
                assertFalse(listening(port), "a one-shot run opens no HTTP port");
                err.transferTo(java.io.Writer.nullWriter());
            }
            assertEquals(0, oneShot.waitFor(), "the backup itself succeeds");
        } finally {
            oneShot.destroyForcibly();
        }

        try (ScheduleProcess scheduler = ScheduleProcess.start(dir, env(), "schedule", "--no-catch-up")) {
            scheduler.awaitHttp("/q/health/live", WAIT);
            String threads = Cli.tool(dir, Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(scheduler.pid()), "Thread.print").stdout();
            assertTrue(threads.contains("quarkus-scheduler-trigger-check"), threads);
            assertTrue(listening(scheduler.port()));
            assertEquals(0, scheduler.terminate(WAIT), scheduler.log());
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
