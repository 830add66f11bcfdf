package dev.dbbackup.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real packaged command line ({@code java -jar target/quarkus-app/quarkus-run.jar}) as a separate
 * process, in a chosen working directory, with a clean environment plus the given variables, and no terminal
 * (standard input closed).
 */
public final class Cli {

    /** Settings that must not leak into tests from the developer's environment. */
    private static final List<String> SCRUBBED = List.of("DATABASE_URL", "DATABASE_PASSWORD", "BACKUP_DIR", "BACKUP_RETENTION_DAYS",
            "BACKUP_RETENTION_WEEKS", "BACKUP_RETENTION_MONTHS", "BACKUP_TIMEZONE", "BACKUP_LOG_FILE", "DBBACKUP_CONFIG", "DBBACKUP_NOW",
            "BACKUP_ENCRYPTION", "BACKUP_ENCRYPTION_PASSPHRASE", "BACKUP_ENCRYPTION_PUBLIC_KEYS", "BACKUP_DECRYPTION_KEY",
            "BACKUP_DECRYPTION_PASSPHRASE");

    private Cli() {
    }

    public record Result(int exitCode, String stdout, String stderr) {
        public String all() {
            return stdout + stderr;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    public static Path appJar() {
        String jar = System.getProperty("dbbackup.app.jar", "target/quarkus-app/quarkus-run.jar");
        Path path = Path.of(jar).toAbsolutePath();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("the packaged app " + path + " is missing: run 'mvn verify' (package runs before the CLI tests)");
        }
        return path;
    }

    public static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-jar");
        command.add(appJar().toString());
        command.addAll(List.of(args));
        return command;
    }

    public static Result run(Path workDir, Map<String, String> env, String... args) {
        return run(workDir, env, 180, args);
    }

    public static Result run(Path workDir, Map<String, String> env, int timeoutSeconds, String... args) {
        return start(new ProcessBuilder(command(args)), workDir, env, timeoutSeconds, args);
    }

    /**
     * Runs the command line on a pseudo-terminal, as a person at a shell does: util-linux {@code script} gives it a
     * terminal for standard input, output and error. The result's stdout is everything the terminal showed (the
     * terminal turns each line feed into CR LF); its stderr is empty.
     */
    public static Result onTerminal(Path workDir, Map<String, String> env, String... args) {
        StringBuilder line = new StringBuilder();
        for (String part : command(args)) {
            line.append(line.isEmpty() ? "" : " ").append('\'').append(part.replace("'", "'\\''")).append('\'');
        }
        return start(new ProcessBuilder("script", "-qfec", line.toString(), "/dev/null"), workDir, env, 180, args);
    }

    private static Result start(ProcessBuilder builder, Path workDir, Map<String, String> env, int timeoutSeconds, String... args) {
        try {
            builder.directory(workDir.toFile());
            Map<String, String> environment = builder.environment();
            SCRUBBED.forEach(name -> {
                environment.remove(name);
                environment.remove(name + "_FILE");
            });
            environment.keySet().removeIf(name -> name.startsWith("BACKUP_") || name.startsWith("AWS_") || name.startsWith("DBBACKUP_"));
            environment.putAll(new HashMap<>(env));
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = readAsync(process.getInputStream());
            CompletableFuture<String> err = readAsync(process.getErrorStream());
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("dbbackup " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<String> readAsync(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<unreadable: " + e + ">";
            }
        });
    }

    /** Runs an external tool (gunzip, sqlite3 …) and returns its exit code and output. */
    public static Result tool(Path workDir, String... command) {
        try {
            Process process = new ProcessBuilder(command).directory(workDir.toFile()).start();
            process.getOutputStream().close();
            CompletableFuture<String> out = readAsync(process.getInputStream());
            CompletableFuture<String> err = readAsync(process.getErrorStream());
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + " (is it installed? .ci/run installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
