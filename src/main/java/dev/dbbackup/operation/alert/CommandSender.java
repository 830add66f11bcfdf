package dev.dbbackup.operation.alert;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the operator's shell command with the event in environment variables (DBBACKUP_EVENT, DBBACKUP_DATABASE,
 * DBBACKUP_MESSAGE …; DBBACKUP_DETAIL_&lt;KEY&gt; for each detail). Its output never reaches stdout; the last line is
 * shown in the warning when it fails.
 */
final class CommandSender {

    private static final int OUTPUT_LIMIT = 4096;

    private CommandSender() {
    }

    static void run(AlertSettings.Command command, AlertEvent event) throws IOException {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
        List<String> shell = windows ? List.of("cmd.exe", "/c", command.line()) : List.of("/bin/sh", "-c", command.line());
        ProcessBuilder builder = new ProcessBuilder(shell).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        environment(builder.environment(), event);
        Process process = builder.start();
        process.getOutputStream().close();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copyBounded(process.getInputStream(), output), "alert-command-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IOException("the alert command did not finish within " + command.timeout().toSeconds() + " s and was stopped");
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (process.exitValue() != 0) {
            String text;
            synchronized (output) {
                text = output.toString(StandardCharsets.UTF_8).strip();
            }
            String last = text.isEmpty() ? "" : ": " + text.substring(text.lastIndexOf('\n') + 1);
            throw new IOException("the alert command exited with " + process.exitValue() + last);
        }
    }

    /** The only variables of dbbackup's own environment the alert command inherits: no DATABASE_URL, passphrase or token. */
    static final java.util.Set<String> INHERITED = java.util.Set.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE",
            "TZ", "TMPDIR", "TERM");

    static void environment(Map<String, String> env, AlertEvent event) {
        env.keySet().removeIf(name -> !INHERITED.contains(name) && !name.startsWith("LC_"));
        env.put("DBBACKUP_EVENT", event.kind().word());
        env.put("DBBACKUP_DATABASE", event.database());
        env.put("DBBACKUP_HOST", event.host());
        env.put("DBBACKUP_TIME", event.time().toString());
        env.put("DBBACKUP_TITLE", event.title());
        env.put("DBBACKUP_MESSAGE", event.message());
        env.put("DBBACKUP_HINT", event.hint() == null ? "" : event.hint());
        env.put("DBBACKUP_FILE", event.file() == null ? "" : event.file());
        event.details().forEach((key, value) -> env.put("DBBACKUP_DETAIL_" + key.toUpperCase(Locale.ROOT), value));
    }

    private static void copyBounded(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[1024];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (out) {
                    if (out.size() < OUTPUT_LIMIT) {
                        out.write(buffer, 0, Math.min(n, OUTPUT_LIMIT - out.size()));
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone; what we have is enough
        }
    }
}
