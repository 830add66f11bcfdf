package dev.dbbackup.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17.4: one set of runs that uses every secret setting (a database password with spaces and '+', not
 * percent-encoded; the encryption passphrase; the SMTP password; a webhook URL whose path is its token; a secret file
 * given to the wrong *_FILE setting), succeeding and failing, and greps everything they leave: stdout, stderr, the log
 * file, manifests, the metrics file, the webhook requests, the alert command's environment, and every process's
 * arguments while they run.
 */
class SecretsEverywhereCliIT {

    private static final String DB_PASSWORD = "Db pass+word 5e1f do-not-leak";
    private static final String PASSPHRASE = "Passphrase-8c2d-do-not-leak";
    private static final String SMTP_PASSWORD = "Smtp-Pw-41aa-do-not-leak";
    private static final String WEBHOOK_TOKEN = "T0KEN-77b1-do-not-leak";
    private static final List<String> SECRETS = List.of(DB_PASSWORD, PASSPHRASE, SMTP_PASSWORD, WEBHOOK_TOKEN, "Db pass", "5e1f");

    @TempDir
    Path dir;

    private final List<String> outputs = new ArrayList<>();
    private final Set<String> leakedCommandLines = new ConcurrentSkipListSet<>();

    @Test
    void noSecretLeavesTheProcessInAnyOutput() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String db = server.createDatabase("secrets");
        server.execute(db, "CREATE TABLE t(id int PRIMARY KEY, v text)", "INSERT INTO t VALUES (1, 'one')");
        HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<String> requests = new ArrayList<>();
        webhook.createContext("/", exchange -> {
            synchronized (requests) {
                requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        Path passphraseFile = Files.writeString(dir.resolve("passphrase.secret"), PASSPHRASE + "\n");
        String url = "postgresql://postgres:" + DB_PASSWORD + "@127.0.0.1:" + server.port() + "/" + db;
        String unreachable = "postgresql://postgres:" + DB_PASSWORD + "@127.0.0.1:" + closedPort() + "/" + db;
        try {
            Map<String, String> env = new HashMap<>();
            env.put("DATABASE_URL", url);
            env.put("BACKUP_ENCRYPTION_PASSPHRASE", PASSPHRASE);
            env.put("BACKUP_LOG_FILE", dir.resolve("logs/dbbackup.log").toString());
            env.put("BACKUP_METRICS_FILE", dir.resolve("metrics/dbbackup.prom").toString());
            env.put("BACKUP_ALERT_ON", "failure,success");
            env.put("BACKUP_ALERT_COMMAND", "env > \"alert-$DBBACKUP_EVENT.env\"");
            env.put("BACKUP_ALERT_WEBHOOK_URL", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hooks/" + WEBHOOK_TOKEN);
            env.put("BACKUP_ALERT_SMTP_HOST", "127.0.0.1");
            env.put("BACKUP_ALERT_SMTP_PORT", Integer.toString(closedPort()));
            env.put("BACKUP_ALERT_SMTP_TLS", "none");
            env.put("BACKUP_ALERT_SMTP_USER", "ops");
            env.put("BACKUP_ALERT_SMTP_PASSWORD", SMTP_PASSWORD);
            env.put("BACKUP_ALERT_EMAIL_TO", "ops@example.org");

            Cli.Result backup = run(env, "backup", "--encrypt");
            assertEquals(0, backup.exitCode(), backup::toString);
            Map<String, String> failing = new HashMap<>(env);
            failing.put("DATABASE_URL", unreachable);
            Cli.Result down = run(failing, "backup", "--encrypt");
            assertEquals(1, down.exitCode(), down::toString);
            assertTrue(down.stderr().contains("postgresql://postgres:***@127.0.0.1"), "the URL is shown, its password is not: " + down);
            Map<String, String> wrongFile = new HashMap<>(env);
            wrongFile.put("BACKUP_RETENTION_DAYS_FILE", passphraseFile.toString());
            Cli.Result misplaced = run(wrongFile, "backup");
            assertEquals(2, misplaced.exitCode(), misplaced::toString);
            assertTrue(misplaced.stderr().contains("BACKUP_RETENTION_DAYS"), misplaced::toString);
            Cli.Result restore = run(env, "restore", "latest", "--yes", "--clean");
            assertEquals(0, restore.exitCode(), restore::toString);
        } finally {
            webhook.stop(0);
            server.dropDatabase(db);
        }

        assertTrue(Files.exists(dir.resolve("alert-failure.env")) && Files.exists(dir.resolve("alert-success.env")),
                "the alert command ran for both events");
        for (String event : List.of("failure", "success")) {
            String alertEnv = Files.readString(dir.resolve("alert-" + event + ".env"));
            assertTrue(alertEnv.lines().noneMatch(line -> line.startsWith("DATABASE_URL=") || line.startsWith("BACKUP_")),
                    "only documented variables:\n" + alertEnv);
            assertTrue(alertEnv.contains("DBBACKUP_EVENT=" + event), alertEnv);
        }
        synchronized (requests) {
            assertEquals(2, requests.size(), "a webhook call per alert: " + requests);
            outputs.addAll(requests);
        }
        for (String output : outputs) {
            for (String secret : SECRETS) {
                assertFalse(output.contains(secret), "'" + secret + "' appeared in the output:\n" + output);
            }
        }
        assertEquals(Set.of(), leakedCommandLines, "a secret appeared in a process's arguments");
        List<Path> written;
        try (Stream<Path> files = Files.walk(dir)) {
            written = files.filter(Files::isRegularFile).filter(p -> !p.equals(passphraseFile)).toList();
        }
        assertTrue(written.stream().anyMatch(p -> p.toString().endsWith("dbbackup.log")), written.toString());
        assertTrue(written.stream().anyMatch(p -> p.toString().endsWith(".json")), written.toString());
        assertTrue(written.stream().anyMatch(p -> p.toString().endsWith("dbbackup.prom")), written.toString());
        for (Path file : written) {
            String content = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            for (String secret : SECRETS) {
                assertFalse(content.contains(secret), "'" + secret + "' appeared in " + dir.relativize(file) + ":\n" + content);
            }
        }
    }

    private Cli.Result run(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--verbose");
        Thread watcher = new Thread(this::watchProcesses);
        watcher.setDaemon(true);
        watcher.start();
        try {
            Cli.Result result = Cli.run(dir, env, all.toArray(String[]::new));
            outputs.add(result.stdout());
            outputs.add(result.stderr());
            return result;
        } finally {
            watcher.interrupt();
        }
    }

    private void watchProcesses() {
        while (!Thread.currentThread().isInterrupted()) {
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                processes.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
                    try {
                        String commandLine = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                        if (SECRETS.stream().anyMatch(commandLine::contains)) {
                            leakedCommandLines.add(commandLine);
                        }
                    } catch (IOException e) {
                        // the process ended meanwhile
                    }
                });
            } catch (IOException e) {
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
