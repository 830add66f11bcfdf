package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.EngineException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/** Opens pgjdbc connections from a DATABASE_URL; messages name the database, never the password. */
final class PostgresConnections {

    static final String APPLICATION_NAME = "dbbackup";

    private PostgresConnections() {
    }

    static String jdbcUrl(DatabaseUrl url) {
        String host = url.host().contains(":") && !url.host().startsWith("[") ? "[" + url.host() + "]" : url.host();
        return "jdbc:postgresql://" + host + ":" + url.port() + "/"
                + URLEncoder.encode(url.database(), StandardCharsets.UTF_8).replace("+", "%20");
    }

    static Connection open(DatabaseUrl url) throws EngineException {
        return open(url, APPLICATION_NAME);
    }

    /** As {@link #open(DatabaseUrl)}; a name other than the default one replaces any ApplicationName given in the URL. */
    static Connection open(DatabaseUrl url, String applicationName) throws EngineException {
        Properties props = new Properties();
        for (Map.Entry<String, String> p : url.parameters().entrySet()) {
            props.setProperty(p.getKey(), p.getValue());
        }
        if (url.user() != null) {
            props.setProperty("user", url.user());
        }
        if (url.password() != null) {
            props.setProperty("password", url.password());
        }
        if (applicationName.equals(APPLICATION_NAME)) {
            props.putIfAbsent("ApplicationName", APPLICATION_NAME);
        } else {
            props.setProperty("ApplicationName", applicationName);
        }
        // The dump and the restore are long single sessions; never let the driver cache plans across DDL.
        props.putIfAbsent("prepareThreshold", "0");
        try {
            // The driver directly, not DriverManager: a native image does not register drivers with DriverManager.
            Connection connection = new org.postgresql.Driver().connect(jdbcUrl(url), props);
            if (connection == null) {
                throw new SQLException("the PostgreSQL driver did not accept " + jdbcUrl(url));
            }
            return connection;
        } catch (SQLException e) {
            throw new EngineException("cannot connect to PostgreSQL database '" + url.database() + "' at " + url.host()
                    + ":" + url.port() + ": " + PostgresErrors.describe(e) + "; check DATABASE_URL, the server and credentials", e);
        }
    }
}
