package dev.dbbackup.cli;

import dev.dbbackup.config.ConfigException;
import dev.dbbackup.storage.local.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * The workload the `dbbackup` launcher records its class-data-sharing archive from: the real commands, run one after
 * the other in this process on a throwaway SQLite database in an empty folder (backups with gzip, zstd and a
 * passphrase, list, verify, a test restore, restores), then a PostgreSQL backup against a local port where nothing
 * listens, which loads the driver as far as its connection attempt. Every file it names is inside the folder (the
 * launcher points java.io.tmpdir there too); the settings come from flags and config files there, never from the
 * environment, which must hold none.
 */
final class CdsTraining {

    /** Environment variables that would steer a command (settings, offsite credentials, libpq and Quarkus configuration). */
    private static final List<String> SETTING_PREFIXES = List.of("BACKUP_", "DATABASE_", "DBBACKUP_", "PG", "AWS_", "QUARKUS_");

    /** One command of the workload and the exit code it is expected to end with. */
    record Step(String name, List<String> args, int expectedExit) {
    }

    /** What a step ended with. */
    record Outcome(Step step, int exitCode) {
        boolean asExpected() {
            return exitCode == step.expectedExit();
        }
    }

    private final Path folder;

    CdsTraining(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    /** The variables of {@code environment} that would change what the commands do; the training runs only without them. */
    static List<String> settingVariables(Map<String, String> environment) {
        return environment.keySet().stream().filter(name -> SETTING_PREFIXES.stream().anyMatch(name::startsWith)).sorted().toList();
    }

    /** Creates the database and config file in the (empty) folder and returns the commands to run, in order. */
    List<Step> prepare() {
        try {
            PrivateFiles.createDirectories(folder);
            try (Stream<Path> entries = Files.list(folder)) {
                if (entries.findAny().isPresent()) {
                    throw new ConfigException("cds-training writes into an empty folder, and " + folder + " is not empty",
                            "give it a new folder");
                }
            }
            Path passphrase = folder.resolve("passphrase");
            PrivateFiles.writeNew(passphrase, "cds-training\n".getBytes(StandardCharsets.UTF_8));
            Path config = folder.resolve("training.conf");
            PrivateFiles.writeNew(config, "BACKUP_NAME=training\n".getBytes(StandardCharsets.UTF_8));
            Path database = folder.resolve("app.db");
            createDatabase(database);

            String db = sqlite("app.db");
            Path encryptedConfig = folder.resolve("encrypted.conf");
            PrivateFiles.writeNew(encryptedConfig, ("BACKUP_NAME=training\nBACKUP_ENCRYPTION_PASSPHRASE_FILE=" + passphrase + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            List<String> plain = options(config, db, "backups");
            List<String> encrypted = options(encryptedConfig, db, "encrypted-backups");
            String postgres = "postgresql://training:training@127.0.0.1:" + closedPort() + "/training";
            return List.of(
                    step("backup", 0, "backup", "--type", "daily", plain),
                    step("backup zstd", 0, "backup", "--type", "weekly", "--compression", "zstd:3", plain),
                    step("list", 0, "list", plain),
                    step("verify", 0, "verify", "--all", plain),
                    step("test restore", 0, "verify", "--restore", "latest", plain),
                    step("restore", 0, "restore", "latest", "--yes", options(config, sqlite("restored.db"), "backups")),
                    step("backup encrypted", 0, "backup", "--encrypt", encrypted),
                    step("restore encrypted", 0, "restore", "latest", "--yes",
                            options(encryptedConfig, sqlite("restored-encrypted.db"), "encrypted-backups")),
                    step("postgresql backup", 1, "backup", options(config, postgres, "postgresql-backups")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the training database: " + e.getMessage(), e);
        }
    }

    /** Runs the steps one after another with {@code command} (the command line's execute); a failed step does not stop the rest. */
    static List<Outcome> run(List<Step> steps, ToIntFunction<String[]> command) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Step step : steps) {
            outcomes.add(new Outcome(step, command.applyAsInt(step.args().toArray(String[]::new))));
        }
        return outcomes;
    }

    private List<String> options(Path config, String databaseUrl, String backupFolder) {
        return List.of("--config", config.toString(), "--database-url", databaseUrl, "--backup-dir", folder.resolve(backupFolder).toString());
    }

    private String sqlite(String file) {
        return "sqlite:///" + folder.resolve(file);
    }

    private static Step step(String name, int expectedExit, Object... args) {
        List<String> list = new ArrayList<>();
        for (Object arg : args) {
            if (arg instanceof List<?> many) {
                many.forEach(a -> list.add(String.valueOf(a)));
            } else {
                list.add(String.valueOf(arg));
            }
        }
        return new Step(name, List.copyOf(list), expectedExit);
    }

    /** A table of every storage class SQLite has, an index, a view and a trigger: the paths a real dump takes. */
    private static void createDatabase(Path database) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, data BLOB, note TEXT)");
            statement.executeUpdate("CREATE INDEX item_name ON item (name)");
            statement.executeUpdate("CREATE VIEW cheap_item AS SELECT id, name FROM item WHERE price < 10");
            statement.executeUpdate("CREATE TABLE item_log (item_id INTEGER REFERENCES item (id), at TEXT)");
            statement.executeUpdate("CREATE TRIGGER item_logged AFTER INSERT ON item BEGIN"
                    + " INSERT INTO item_log (item_id, at) VALUES (new.id, '2000-01-01'); END");
            statement.executeUpdate("INSERT INTO item (name, price, data, note) VALUES ('first', 1.5, x'00ff10', NULL),"
                    + " ('second, with ''quotes''', 12.25, NULL, 'line one\nline two'), ('third', -0.1, x'', 'ünïcode ✓')");
        }
    }

    /** A local TCP port with no listener: bound, then closed again, so connecting to it is refused at once. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
