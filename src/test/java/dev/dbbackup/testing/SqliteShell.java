package dev.dbbackup.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the stock {@code sqlite3} command-line shell, as a user restoring a backup without dbbackup would.
 * Tests that use it fail loudly when it is missing: CI installs the Debian package {@code sqlite3}.
 */
public final class SqliteShell {

    /** What the shell printed and how it ended. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private SqliteShell() {
    }

    /** {@code sqlite3 -bail database < script}; fails the test when sqlite3 is missing or the exit code is not 0. */
    public static Result load(Path database, Path script) {
        Result result = run(List.of("-bail", database.toAbsolutePath().toString()), script);
        if (result.exitCode() != 0 || !result.stderr().isBlank()) {
            throw new AssertionError("sqlite3 failed to load " + script + " into " + database + " (exit " + result.exitCode()
                    + "): " + result.stderr());
        }
        return result;
    }

    /** {@code sqlite3 database .dump} into {@code output}. */
    public static void dump(Path database, Path output) {
        Result result = run(List.of("-readonly", database.toAbsolutePath().toString(), ".dump"), null, output);
        if (result.exitCode() != 0) {
            throw new AssertionError("sqlite3 .dump of " + database + " failed: " + result.stderr());
        }
    }

    /** Runs sqlite3 with arguments and optional standard input. */
    public static Result run(List<String> arguments, Path stdin) {
        return run(arguments, stdin, null);
    }

    private static Result run(List<String> arguments, Path stdin, Path stdoutFile) {
        List<String> command = new ArrayList<>();
        command.add("sqlite3");
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        try {
            Path out = stdoutFile != null ? stdoutFile : Files.createTempFile("sqlite3-out", ".txt");
            Path err = Files.createTempFile("sqlite3-err", ".txt");
            try {
                builder.redirectOutput(out.toFile()).redirectError(err.toFile());
                if (stdin != null) {
                    builder.redirectInput(stdin.toFile());
                } else {
                    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                }
                Process process = builder.start();
                if (!process.waitFor(10, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError("sqlite3 " + arguments + " did not finish in 10 minutes");
                }
                String stdout = stdoutFile != null ? "" : new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
                return new Result(process.exitValue(), stdout, Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                if (stdoutFile == null) {
                    Files.deleteIfExists(out);
                }
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run sqlite3 (" + e.getMessage() + "); the stock SQLite shell is required by "
                    + "this test: install it with 'apt-get install -y sqlite3'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running sqlite3", e);
        }
    }
}
