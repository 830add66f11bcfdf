package dev.dbbackup.testing;

import dev.dbbackup.engine.DatabaseUrl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One running throwaway PostgreSQL cluster (see {@link PostgresServers}); superuser {@code postgres}, trust auth. */
public final class PostgresServer {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final int major;
    private final String host;
    private final int port;
    private final Path installDir;
    private final Path log;
    private final Path dataDir;
    private final String options;
    private final boolean root;

    PostgresServer(int major, String host, int port, Path installDir, Path log, Path dataDir, String options, boolean root) {
        this.major = major;
        this.host = host;
        this.port = port;
        this.installDir = installDir;
        this.log = log;
        this.dataDir = dataDir;
        this.options = options;
        this.root = root;
    }

    /** Stops the server with {@code pg_ctl stop -m mode} (smart, fast, immediate); only for a {@link PostgresServers#dedicated} one. */
    public void stop(String mode) {
        pgCtl(List.of("-m", mode, "-w", "-t", "120", "stop"));
    }

    /** Starts a stopped server again on the same port. */
    public void start() {
        pgCtl(List.of("-o", options, "-l", log.toString(), "-w", "-t", "120", "start"));
    }

    private void pgCtl(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(installDir.resolve("bin/pg_ctl").toString(), "-D", dataDir.toString()));
        command.addAll(arguments);
        try {
            PostgresServers.run(PostgresServers.asServerUser(root, command), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int major() { return major; }

    public int port() { return port; }

    public Path log() { return log; }

    /** Creates a fresh empty database (from template0) and returns its name. */
    public String createDatabase(String prefix) {
        String name = prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_") + "_" + DATABASES.incrementAndGet();
        execute("postgres", "CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
        return name;
    }

    public void dropDatabase(String name) {
        // A database with subscriptions cannot be dropped: detach them from their slots (there are none) and drop them.
        String unquoted = name.startsWith("\"") ? name.substring(1, name.length() - 1).replace("\"\"", "\"") : name;
        try (Connection c = connect(unquoted); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT quote_ident(subname) FROM pg_subscription WHERE subdbid = "
                     + "(SELECT oid FROM pg_database WHERE datname = current_database())")) {
            List<String> subscriptions = new ArrayList<>();
            while (rs.next()) {
                subscriptions.add(rs.getString(1));
            }
            for (String sub : subscriptions) {
                s.execute("ALTER SUBSCRIPTION " + sub + " DISABLE");
                s.execute("ALTER SUBSCRIPTION " + sub + " SET (slot_name = NONE)");
                s.execute("DROP SUBSCRIPTION " + sub);
            }
        } catch (SQLException e) {
            if (!"3D000".equals(e.getSQLState())) {
                throw new IllegalStateException("on PostgreSQL " + major + " database " + name + ": " + e.getMessage(), e);
            }
        }
        execute("postgres", "DROP DATABASE IF EXISTS " + name + (major >= 13 ? " WITH (FORCE)" : ""));
    }

    public DatabaseUrl url(String database) {
        return DatabaseUrl.parse("postgresql://postgres@" + host + ":" + port + "/" + database);
    }

    /** A URL for a role other than postgres (created by the test), with a password. */
    public DatabaseUrl url(String database, String user, String password) {
        return DatabaseUrl.parse("postgresql://" + user + ":" + password + "@" + host + ":" + port + "/" + database);
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, "postgres", "");
    }

    /** Runs statements one by one in autocommit mode. */
    public void execute(String database, String... statements) {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("on PostgreSQL " + major + " database " + database + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates the tablespace (once per server) in an empty folder inside the throwaway data directory, so it goes
     * with the server; PostgreSQL warns about the place, which is harmless here.
     */
    public void ensureTablespace(String name) {
        try {
            java.nio.file.Path location = dataDir.resolve("tablespace-" + name);
            if (java.nio.file.Files.isDirectory(location)) {
                return;
            }
            java.nio.file.Files.createDirectories(location);
            if (root) {
                PostgresServers.run(List.of("chown", PostgresServers.SERVER_USER + ":", location.toString()), null);
            }
            execute("postgres", "CREATE TABLESPACE " + name + " LOCATION '" + location + "'");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Installs an extension's control and script files into this server's (throwaway) installation. */
    public void installExtension(String name, String control, String script) {
        try {
            java.nio.file.Path dir = installDir.resolve("share/postgresql/extension");
            java.nio.file.Files.writeString(dir.resolve(name + ".control"), control);
            java.nio.file.Files.writeString(dir.resolve(name + "--1.0.sql"), script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Environment for the Debian client tools (psql, pg_dump) on PATH. */
    public Map<String, String> clientEnvironment(String database) {
        return Map.of("PGHOST", host, "PGPORT", Integer.toString(port), "PGUSER", "postgres", "PGDATABASE", database,
                "PGOPTIONS", "", "PGPASSWORD", "");
    }

    /** Runs stock psql with ON_ERROR_STOP against a database; throws with psql's output when it fails. */
    public String psql(String database, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database));
        command.addAll(arguments);
        try {
            return PostgresServers.run(command, clientEnvironment(database));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Major version of the pg_dump on PATH, or 0 when there is none. */
    public static int pgDumpMajor() {
        try {
            String out = PostgresServers.run(List.of("pg_dump", "--version"), null);
            Matcher m = Pattern.compile("(\\d+)(\\.\\d+)?").matcher(out);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** True when the pg_dump on PATH can dump this server (pg_dump refuses newer servers). */
    public boolean pgDumpCanDump() {
        int client = pgDumpMajor();
        return client != 0 && client >= major;
    }

    /** Runs stock pg_dump against a database and returns its output. */
    public String pgDump(String database, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("pg_dump", "-d", database));
        command.addAll(arguments);
        try {
            return PostgresServers.run(command, clientEnvironment(database));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL " + major + " on " + host + ":" + port + " (" + installDir.getFileName() + ")";
    }
}
