package dev.dbbackup.schedule;

import dev.dbbackup.testing.Cli;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A long-running dbbackup process (the packaged application, as {@link Cli} starts it) that a test watches through
 * its log and its HTTP port, then stops with SIGTERM.
 */
public final class ScheduleProcess implements AutoCloseable {

    /** Settings that must not leak into tests from the developer's environment. */
    private static final List<String> SCRUBBED = List.of("DATABASE_URL", "DATABASE_PASSWORD", "BACKUP_DIR", "BACKUP_RETENTION_DAYS",
            "BACKUP_RETENTION_WEEKS", "BACKUP_RETENTION_MONTHS", "BACKUP_TIMEZONE", "BACKUP_LOG_FILE", "DBBACKUP_CONFIG", "DBBACKUP_NOW",
            "BACKUP_SCHEDULE", "BACKUP_TARGETS_FILE", "BACKUP_MAX_AGE", "BACKUP_NAME", "BACKUP_ALERT_ON", "BACKUP_ALERT_WEBHOOK_URL",
            "BACKUP_TEST_RESTORE", "BACKUP_TEST_RESTORE_SCHEDULE", "BACKUP_TEST_RESTORE_SCRATCH_URL", "QUARKUS_HTTP_PORT");

    private final Process process;
    private final int port;
    private final StringBuffer log = new StringBuffer();
    private final StringBuffer out = new StringBuffer();

    private ScheduleProcess(Process process, int port) {
        this.process = process;
        this.port = port;
        pump(process.getErrorStream(), log, "stderr");
        pump(process.getInputStream(), out, "stdout");
    }

    /** Starts {@code dbbackup args…} in {@code dir} with a clean environment plus {@code env}, HTTP on a free port. */
    public static ScheduleProcess start(Path dir, Map<String, String> env, String... args) {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(Cli.command(args)).directory(dir.toFile());
        SCRUBBED.forEach(name -> {
            builder.environment().remove(name);
            builder.environment().remove(name + "_FILE");
        });
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            return new ScheduleProcess(process, port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pump(InputStream stream, StringBuffer into, String name) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (stream) {
                int n;
                while ((n = stream.read(buffer)) >= 0) {
                    into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                into.append("<").append(name).append(" closed: ").append(e).append(">");
            }
        }, "schedule-process-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public String log() {
        return log.toString();
    }

    /** Waits until the log holds {@code text} (or the process ends, or the time is up: then fails with the log). */
    public void awaitLog(String text, Duration timeout) {
        awaitLog(l -> l.contains(text), "'" + text + "'", timeout);
    }

    public void awaitLog(Predicate<String> condition, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.test(log.toString())) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("dbbackup ended (exit " + process.exitValue() + ") before the log showed " + what + ":\n" + log);
            }
            sleep(50);
        }
        throw new AssertionError("the log did not show " + what + " within " + timeout.toSeconds() + " s:\n" + log);
    }

    /** Counts the lines of the log that contain {@code text}. */
    public long count(String text) {
        return log.toString().lines().filter(l -> l.contains(text)).count();
    }

    public record Response(int status, String body) {
    }

    /** GET on the process's HTTP port; status -1 when nothing listens. */
    public Response get(String path) {
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Response(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the HTTP port answers {@code path}. */
    public Response awaitHttp(String path, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Response response = get(path);
            if (response.status() > 0) {
                return response;
            }
            if (!process.isAlive()) {
                throw new AssertionError("dbbackup ended (exit " + process.exitValue() + "):\n" + log);
            }
            sleep(100);
        }
        throw new AssertionError("nothing answered on port " + port + " within " + timeout.toSeconds() + " s:\n" + log);
    }

    /** Sends SIGTERM and returns the exit code. (Through the handle: Process.destroy() would also close the log streams.) */
    public int terminate(Duration timeout) {
        process.toHandle().destroy();
        return awaitExit(timeout);
    }

    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("dbbackup did not exit within " + timeout.toSeconds() + " s:\n" + log);
            }
            sleep(200);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
