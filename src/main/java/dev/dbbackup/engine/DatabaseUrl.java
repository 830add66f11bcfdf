package dev.dbbackup.engine;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed DATABASE_URL: {@code sqlite:///./app.db}, {@code sqlite:////abs/path.db} or
 * {@code postgresql://user:pass@host:5432/db?sslmode=...}. {@link #toString()} is always redacted.
 */
public final class DatabaseUrl {

    public enum Kind { SQLITE, POSTGRESQL }

    private final Kind kind;
    private final String raw;
    private final Path sqlitePath;
    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final Map<String, String> parameters;

    private DatabaseUrl(Kind kind, String raw, Path sqlitePath, String host, int port, String database,
                        String user, String password, Map<String, String> parameters) {
        this.kind = kind;
        this.raw = raw;
        this.sqlitePath = sqlitePath;
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.parameters = parameters;
    }

    /** Parses a URL; the message of the exception never contains the password. */
    public static DatabaseUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("is empty; set it like sqlite:///./app.db or postgresql://user@host:5432/db");
        }
        String trimmed = url.trim();
        if (trimmed.startsWith("sqlite:")) {
            return parseSqlite(trimmed);
        }
        if (trimmed.startsWith("postgresql://") || trimmed.startsWith("postgres://")) {
            return parsePostgres(trimmed);
        }
        throw new IllegalArgumentException("has an unsupported scheme in '" + redact(trimmed)
                + "'; use sqlite:///./app.db, sqlite:////abs/path.db or postgresql://user@host:5432/db");
    }

    private static DatabaseUrl parseSqlite(String url) {
        String rest = url.substring("sqlite:".length());
        if (!rest.startsWith("///")) {
            throw new IllegalArgumentException("'" + url + "' is not a SQLite URL of the form sqlite:///relative.db or sqlite:////absolute/path.db");
        }
        String file = rest.substring(3);
        int query = file.indexOf('?');
        if (query >= 0) {
            file = file.substring(0, query);
        }
        if (file.isEmpty() || file.equals(":memory:")) {
            throw new IllegalArgumentException("'" + url + "' names no database file; give a path, e.g. sqlite:///./app.db");
        }
        Path path = Path.of(URLDecoder.decode(file, StandardCharsets.UTF_8));
        return new DatabaseUrl(Kind.SQLITE, url, path, null, -1, null, null, null, Map.of());
    }

    private static DatabaseUrl parsePostgres(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + redact(url) + "' is not a valid PostgreSQL URL; use postgresql://user:password@host:5432/database");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("'" + redact(url) + "' has no host; use postgresql://user:password@host:5432/database");
        }
        String path = uri.getRawPath();
        if (path == null || path.length() <= 1) {
            throw new IllegalArgumentException("'" + redact(url) + "' names no database; use postgresql://user:password@host:5432/database");
        }
        String database = URLDecoder.decode(path.substring(1), StandardCharsets.UTF_8);
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = URLDecoder.decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo, StandardCharsets.UTF_8);
            if (colon >= 0) {
                password = URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8);
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq >= 0 ? pair.substring(0, eq) : pair, StandardCharsets.UTF_8);
                String value = eq >= 0 ? URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8) : "";
                params.put(key, value);
            }
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 5432;
        return new DatabaseUrl(Kind.POSTGRESQL, url, null, host, port, database, user, password, Map.copyOf(params));
    }

    /** Replaces the password of any URL-like string with ***. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceAll("(://[^:/@\\s]*:)[^@\\s]*@", "$1***@")
                .replaceAll("(?i)(password=)[^&\\s]*", "$1***");
    }

    public Kind kind() { return kind; }

    public Path sqlitePath() { return sqlitePath; }

    public String host() { return host; }

    public int port() { return port; }

    /** The database name (PostgreSQL) or file name (SQLite). */
    public String database() {
        return kind == Kind.SQLITE ? Objects.toString(sqlitePath.getFileName(), sqlitePath.toString()) : database;
    }

    public String user() { return user; }

    /** The password, for the driver only; never print it. */
    public String password() { return password; }

    public Map<String, String> parameters() { return parameters; }

    /** A copy of this PostgreSQL URL pointing at another database on the same server. */
    public DatabaseUrl withDatabase(String otherDatabase) {
        if (kind != Kind.POSTGRESQL) {
            throw new IllegalStateException("only PostgreSQL URLs name a database");
        }
        // the printed form names the other database too (a scratch database is never shown as the production one)
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([a-z]+://[^/]*)/[^?]*(\\?.*)?$").matcher(raw);
        String otherRaw = m.matches() ? m.group(1) + "/" + java.net.URLEncoder.encode(otherDatabase, StandardCharsets.UTF_8).replace("+", "%20")
                + (m.group(2) == null ? "" : m.group(2)) : raw;
        return new DatabaseUrl(kind, otherRaw, null, host, port, otherDatabase, user, password, parameters);
    }

    /** A copy with this password (from DATABASE_PASSWORD or its _FILE); the printed form stays the same. */
    public DatabaseUrl withPassword(String newPassword) {
        return new DatabaseUrl(kind, raw, sqlitePath, host, port, database, user, newPassword, parameters);
    }

    public String redacted() { return redact(raw); }

    /** "sqlite" or "postgresql": the engine name manifests record. */
    public String engineName() {
        return kind == Kind.SQLITE ? "sqlite" : "postgresql";
    }

    /**
     * Which database this is, whatever the spelling of the URL: {@code postgresql://host:port/database} (no user, no
     * password, no parameters) or {@code sqlite://<real path>} (links and {@code ./} resolved; for a file that does not
     * exist yet, its folder's real path). Backups record it so databases sharing a folder stay apart.
     */
    public String identity() {
        if (kind == Kind.POSTGRESQL) {
            return "postgresql://" + host.toLowerCase(java.util.Locale.ROOT) + ":" + port + "/" + database;
        }
        Path absolute = sqlitePath.toAbsolutePath().normalize();
        try {
            return "sqlite://" + absolute.toRealPath();
        } catch (java.io.IOException missing) {
            Path folder = absolute.getParent();
            try {
                return "sqlite://" + (folder == null ? absolute : folder.toRealPath().resolve(absolute.getFileName()));
            } catch (java.io.IOException noFolder) {
                return "sqlite://" + absolute;
            }
        }
    }

    @Override
    public String toString() { return redacted(); }
}
