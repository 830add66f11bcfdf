package dev.dbbackup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL's own {@code regression} database (what its regression suite leaves behind: nearly every object kind
 * PostgreSQL has), on the Debian server that {@code .ci/pg-regression-db.sh} builds and keeps running. The script
 * is idempotent and takes well under a second once the database exists, so every JVM runs it once: it also starts
 * a stopped server. A corpus that cannot be built fails the test; it is never skipped.
 */
public final class RegressionCorpus {

    /**
     * The database the corpus tests back up: {@code regression}, or a copy of it named by the system property
     * {@code dbbackup.regression.database} (e.g. one with objects the dumper refuses dropped, to look further).
     */
    public static final String DATABASE = System.getProperty("dbbackup.regression.database", "regression");
    private static final Path SCRIPT = Path.of(".ci", "pg-regression-db.sh");
    private static final int BUILD_MINUTES = 30;
    private static PostgresServer server;

    private RegressionCorpus() {
    }

    /** The running server that holds {@value #DATABASE}; built or started on first use. */
    public static synchronized PostgresServer server() {
        if (server == null) {
            server = prepare();
        }
        return server;
    }

    private static PostgresServer prepare() {
        Map<String, String> settings = runScript();
        int port = Integer.parseInt(required(settings, "PGPORT"));
        int major = Integer.parseInt(required(settings, "REGRESSION_PG_MAJOR"));
        Path bin = Path.of(required(settings, "REGRESSION_PG_BIN"));
        Path data = Path.of(required(settings, "REGRESSION_DATA"));
        return PostgresServers.running(major, port, bin.getParent(), data, Path.of(required(settings, "REGRESSION_LOG")));
    }

    private static Map<String, String> runScript() {
        Path script = SCRIPT.toAbsolutePath();
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException(script + " is missing: run the tests from the project folder");
        }
        try {
            // Output into files, not pipes: the time limit holds even if a child (the server) kept a pipe open.
            Path log = Files.createTempFile("pg-regression-db", ".log");
            Path settingsFile = Files.createTempFile("pg-regression-db", ".env");
            Process process = new ProcessBuilder("bash", script.toString())
                    .redirectError(log.toFile())
                    .redirectOutput(settingsFile.toFile())
                    .start();
            process.getOutputStream().close();
            if (!process.waitFor(BUILD_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(SCRIPT + " did not finish in " + BUILD_MINUTES + " minutes; its log: " + log);
            }
            String out = Files.readString(settingsFile, StandardCharsets.UTF_8);
            String err = Files.readString(log);
            Files.deleteIfExists(log);
            Files.deleteIfExists(settingsFile);
            if (process.exitValue() != 0) {
                throw new AssertionError("the PostgreSQL regression corpus could not be built or started: " + SCRIPT + " exited "
                        + process.exitValue() + "\n" + tail(err, 40) + out);
            }
            Map<String, String> settings = new HashMap<>();
            for (String line : out.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0 && line.substring(0, eq).matches("[A-Z_]+")) {
                    settings.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            return settings;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + SCRIPT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String required(Map<String, String> settings, String name) {
        String value = settings.get(name);
        if (value == null || value.isBlank()) {
            throw new AssertionError(SCRIPT + " printed no " + name + "; it printed " + settings);
        }
        return value;
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
    }
}
