package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DatabaseLockedException;
import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.HeldLock;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The per-database lock of a PostgreSQL database: a session-level advisory lock taken with {@code pg_try_advisory_lock} on a
 * connection of its own, held until the run ends. Advisory locks are scoped to the database the session is connected to,
 * so two databases on one server never block each other, while every run against the same database meets the same lock,
 * from any host and with any backup folder. The server drops it when the session ends, so a killed run leaves no stale
 * lock. Any role may take advisory locks and read pg_locks and other sessions' application_name, so no superuser is needed.
 */
final class PostgresDatabaseLock implements HeldLock {

    /** The eight ASCII bytes of "dbbackup" read as a bigint: {@code SELECT pg_advisory_lock(x'64626261636b7570'::bigint)}. */
    static final long KEY = 0x64626261636b7570L;

    /** application_name holds at most 63 bytes (NAMEDATALEN - 1); longer names are cut by the server. */
    private static final int NAME_LIMIT = 63;

    /** Our holders' application_name: {@code dbbackup <purpose> <pid>@<host> <start>}. */
    private static final Pattern OUR_NAME = Pattern.compile("dbbackup (.+) (\\d+)@(\\S*) (\\d{4}-\\d\\d-\\d\\dT\\S+)");

    private final Connection connection;

    private PostgresDatabaseLock(Connection connection) {
        this.connection = connection;
    }

    static HeldLock acquire(DatabaseUrl url, String purpose) throws EngineException {
        Connection connection = PostgresConnections.open(url, applicationName(purpose, ProcessHandle.current().pid(), hostName(),
                Instant.now()));
        try (Statement statement = connection.createStatement()) {
            if (connection.getMetaData().getDatabaseMajorVersion() >= 14) {
                // The session is idle for the whole run; a server-wide idle_session_timeout must not end it (and the lock) early.
                statement.execute("SET idle_session_timeout = 0");
            }
            try (ResultSet rs = statement.executeQuery("SELECT pg_catalog.pg_try_advisory_lock(" + KEY + ")")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return new PostgresDatabaseLock(connection);
                }
            }
            String holder = holder(statement);
            closeQuietly(connection);
            throw new DatabaseLockedException(holder);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new EngineException("cannot take the dbbackup lock of database '" + url.database() + "': " + PostgresErrors.describe(e), e);
        }
    }

    /** The session holding the lock, described from its application_name (visible to every role) and what else we may see. */
    private static String holder(Statement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery("""
                SELECT l.pid, a.application_name, a.usename, a.backend_start, host(a.client_addr) AS client
                FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                  AND l.classid = %d AND l.objid = %d
                  AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
                LIMIT 1""".formatted(KEY >>> 32, KEY & 0xffffffffL))) {
            if (!rs.next()) {
                return "a session that has just released it (run again)";
            }
            return describe(rs.getInt("pid"), rs.getString("application_name"), rs.getString("usename"), rs.getString("backend_start"),
                    rs.getString("client"));
        }
    }

    static String describe(int sessionPid, String applicationName, String user, String since, String client) {
        Matcher ours = applicationName == null ? null : OUR_NAME.matcher(applicationName);
        if (ours != null && ours.matches()) {
            return "pid " + ours.group(2) + " on " + ours.group(3) + " since " + ours.group(4) + " (" + ours.group(1)
                    + "; its PostgreSQL session is pid " + sessionPid + ")";
        }
        StringBuilder text = new StringBuilder("PostgreSQL session pid ").append(sessionPid);
        if (applicationName != null && !applicationName.isEmpty()) {
            text.append(" (application '").append(applicationName).append("'");
        } else {
            text.append(" (no application name");
        }
        if (user != null) {
            text.append(", user ").append(user);
        }
        if (client != null) {
            text.append(", from ").append(client);
        }
        if (since != null) {
            text.append(", connected since ").append(since);
        }
        return text.append(")").toString();
    }

    /** {@code dbbackup backup 1234@host 2026-01-05T01:02:03Z}, the host shortened to fit the server's 63 bytes. */
    static String applicationName(String purpose, long pid, String host, Instant since) {
        String prefix = "dbbackup " + ascii(purpose) + " " + pid + "@";
        String suffix = " " + since.truncatedTo(ChronoUnit.SECONDS);
        String shortHost = ascii(host);
        int dot = shortHost.indexOf('.');
        if (dot > 0) {
            shortHost = shortHost.substring(0, dot);
        }
        int room = Math.max(0, NAME_LIMIT - prefix.length() - suffix.length());
        return prefix + (shortHost.length() > room ? shortHost.substring(0, room) : shortHost) + suffix;
    }

    /** application_name keeps printable ASCII only; the server would turn anything else into '?'. */
    private static String ascii(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.append(b >= 0x21 && b < 0x7f ? (char) b : b == ' ' ? ' ' : '?');
        }
        return out.toString();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the server ends the session, and its lock, when the connection goes
        }
    }

    /** Ends the session, which releases the lock; no unlock statement that could wait on an unreachable server. */
    @Override
    public void close() {
        closeQuietly(connection);
    }
}
