package dev.dbbackup.engine;

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
        Path path = Path.of(percentDecode(file, url));
        return new DatabaseUrl(Kind.SQLITE, url, path, null, -1, null, null, null, Map.of());
    }

    /**
     * Parses {@code postgresql://[user[:password]@][host][:port][/dbname][?param=value&...]} as libpq does: percent-decoding
     * only ('+' stays '+'), the credentials end at the first '@' before the first '/', an IPv6 host in brackets, a port
     * from 1 to 65535, and query parameters that override the parts (host, port, dbname, user, password).
     */
    private static DatabaseUrl parsePostgres(String url) {
        String example = "; use postgresql://user:password@host:5432/database";
        String rest = url.substring(url.indexOf("://") + 3);
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String user = null;
        String password = null;
        int slash = rest.indexOf('/');
        int at = rest.indexOf('@');
        if (at >= 0 && (slash < 0 || at < slash)) {
            String credentials = rest.substring(0, at);
            int colon = credentials.indexOf(':');
            String rawUser = colon >= 0 ? credentials.substring(0, colon) : credentials;
            user = rawUser.isEmpty() ? null : percentDecode(rawUser, null);
            if (colon >= 0) {
                password = percentDecode(credentials.substring(colon + 1), null);
                dev.dbbackup.config.Secrets.register(password);
            }
            rest = rest.substring(at + 1);
            slash = rest.indexOf('/');
        }
        String hostPort = slash >= 0 ? rest.substring(0, slash) : rest;
        String path = slash >= 0 ? rest.substring(slash + 1) : "";
        String host;
        String portText = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + redact(url) + "' opens an IPv6 host with '[' but never closes it" + example);
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("'" + redact(url) + "' has '" + after + "' after the IPv6 host" + example);
                }
                portText = after.substring(1);
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
            portText = colon >= 0 ? hostPort.substring(colon + 1) : null;
            host = percentDecode(host, null);
        }
        if (host.contains(",")) {
            throw new IllegalArgumentException("'" + redact(url) + "' lists several hosts; dbbackup connects to one: give one host");
        }
        if (host.contains("@")) {
            throw new IllegalArgumentException("'" + redact(url) + "' has an '@' in the password or host part: percent-encode an '@'"
                    + " in the password as %40 (libpq reads the first '@' as the end of the credentials)");
        }
        String database = path.isEmpty() ? null : percentDecode(path, null);
        Map<String, String> params = new LinkedHashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("'" + redact(url) + "' has a query parameter without '=': "
                            + percentDecode(pair, null) + example + "?sslmode=require");
                }
                String key = percentDecode(pair.substring(0, eq), null);
                String value = percentDecode(pair.substring(eq + 1), null);
                switch (key) {
                    case "host" -> host = value;
                    case "port" -> portText = value;
                    case "dbname" -> database = value;
                    case "user" -> user = value;
                    case "password" -> {
                        password = value;
                        dev.dbbackup.config.Secrets.register(password);
                    }
                    case "ssl" -> params.put("sslmode", value.equals("true") ? "require" : value);
                    default -> params.put(key, value);
                }
            }
        }
        if (host.startsWith("/")) {
            throw new IllegalArgumentException("'" + redact(url) + "' names the Unix-domain socket folder " + host
                    + "; dbbackup's built-in client connects over TCP: use host=127.0.0.1 (or the server's name) and its port");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + redact(url) + "' has no host (psql would use the local Unix-domain socket; dbbackup"
                    + " connects over TCP)" + example);
        }
        if (database == null || database.isEmpty()) {
            throw new IllegalArgumentException("'" + redact(url) + "' names no database" + example);
        }
        int port = 5432;
        if (portText != null && !portText.isEmpty()) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("'" + redact(url) + "' has port '" + portText + "'; a port is a number from 1 to 65535"
                        + example);
            }
        }
        return new DatabaseUrl(Kind.POSTGRESQL, url, null, host, port, database, user, password, Map.copyOf(params));
    }

    /** Decodes %XX sequences only (libpq: '+' is a plus sign); a malformed sequence is an error that prints no secret. */
    private static String percentDecode(String text, String shownUrl) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                int value;
                try {
                    value = Integer.parseInt(text.substring(i + 1, i + 3), 16);
                } catch (NumberFormatException | IndexOutOfBoundsException e) {
                    throw new IllegalArgumentException("has a '%' that is not followed by two hex digits"
                            + (shownUrl == null ? "" : " in '" + shownUrl + "'") + "; write a literal % as %25");
                }
                bytes.write(value);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                    encoded = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Hides secrets in any text: first every secret value this run knows (by value, see {@link dev.dbbackup.config.Secrets}),
     * then, for URLs it has not parsed, everything between "://" and the last '@' of a URL-like word, and password= values.
     */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        return dev.dbbackup.config.Secrets.scrub(url)
                .replaceAll("(://[^:/@\\s]*:)\\S*@", "$1***@")
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

    /** The URL as printed: rebuilt from its parsed parts, with the password (however it is spelt) as ***. */
    public String redacted() {
        if (kind == Kind.SQLITE) {
            return raw;
        }
        StringBuilder printed = new StringBuilder(raw.substring(0, raw.indexOf("://") + 3));
        if (user != null) {
            printed.append(user).append(password != null ? ":***" : "").append('@');
        }
        printed.append(host.contains(":") ? "[" + host + "]" : host);
        if (port != 5432 || raw.matches("(?s).*://[^/?]*:5432([/?].*)?")) {
            printed.append(':').append(port);
        }
        printed.append('/').append(database);
        if (!parameters.isEmpty()) {
            StringBuilder query = new StringBuilder();
            parameters.forEach((key, value) -> query.append(query.isEmpty() ? "?" : "&").append(key).append('=')
                    .append(isSecretParameter(key) ? "***" : value));
            printed.append(query);
        }
        return printed.toString();
    }

    private static boolean isSecretParameter(String key) {
        return dev.dbbackup.config.Secrets.isSecretSetting(key);
    }

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
