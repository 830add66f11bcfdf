package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.engine.RestoreSession;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Executes a plain-SQL dump (ours or stock pg_dump's) over JDBC, by default inside one transaction that
 * only {@link #commit()} makes visible.
 */
final class PostgresRestoreSession implements RestoreSession {

    private static final Pattern COPY_FROM_STDIN = Pattern.compile("(?is)^COPY\\s.*\\sFROM\\s+STDIN\\b.*");
    private static final Pattern SET_STATEMENT = Pattern.compile("(?is)^SET\\s+(SESSION\\s+)?([a-z_.]+)\\s*(=|TO)\\s*(.*)$");
    private static final Pattern CREATE_DATABASE = Pattern.compile("(?is)^CREATE\\s+DATABASE\\b.*");
    private static final Pattern DECLARE_CURSOR = Pattern.compile("(?is)^DECLARE\\b.*");
    private static final String IDENTIFIER = "(?:\"(?:[^\"]|\"\")++\"|[A-Za-z_\\x{80}-\\x{10FFFF}][A-Za-z0-9_$\\x{80}-\\x{10FFFF}]*+)";
    /**
     * The COPY statements the dumps write, ours and stock pg_dump's: {@code COPY name [(columns)] FROM stdin},
     * nothing more (no options); only these are ever loaded frozen.
     */
    private static final Pattern PLAIN_COPY_FROM_STDIN = Pattern.compile("(?is)COPY\\s++(?<table>" + IDENTIFIER + "(?:\\." + IDENTIFIER
            + ")?+)(?:\\s*+\\(\\s*+" + IDENTIFIER + "(?:\\s*+,\\s*+" + IDENTIFIER + ")*+\\s*+\\))?+\\s++FROM\\s++STDIN\\s*+");
    /**
     * Whether the table a COPY names is a plain table created by this very transaction, not in a subtransaction:
     * its pg_class row and the row of its ctid column (written once, when the table is made, and never updated,
     * unlike pg_class, which GRANT or ALTER rewrite) both carry the transaction's id.
     */
    private static final String CREATED_BY_THIS_TRANSACTION = """
            SELECT c.oid, c.relkind = 'r' AND a.xmin = c.xmin
                   AND c.xmin::text = (pg_catalog.txid_current() % 4294967296)::text
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = -1
            WHERE c.oid = pg_catalog.to_regclass(?)""";

    private final DatabaseUrl target;
    private final RestoreOptions options;
    private final Connection connection;
    private final CopyManager copy;
    private boolean committed;
    private boolean closed;
    private long statements;
    private final CopiedRows copiedRows = new CopiedRows();
    private final List<String> tablesCountedByScan = new ArrayList<>();
    /** A rolled-back savepoint takes rows away without the statistics showing it: then every table is counted. */
    private boolean savepointsUsed;
    /**
     * Whether a COPY into a table this transaction created may load it frozen ({@code COPY ... WITH (FREEZE)}:
     * rows written frozen, pages all-visible from PostgreSQL 14, so no hint-bit writes or anti-wraparound vacuum
     * of the restored data later). Only in one transaction, and never once the dump used a savepoint (COPY FREEZE
     * needs the table made in the current subtransaction) or declared a cursor (an open portal refuses it).
     */
    private boolean freezeAllowed;
    /** Tables (pg_class oids) in the target before the restore began: never loaded frozen. */
    private Set<Long> tablesBefore;
    private final List<String> frozenTables = new ArrayList<>();
    /** False once a statement was seen to end the restore's transaction: then "unchanged" is never claimed. */
    private boolean transactionIntact = true;
    /** The restore transaction's id, taken at the start: a different one at the commit means the dump committed part of it. */
    private long transactionId = -1;

    PostgresRestoreSession(DatabaseUrl target, RestoreOptions options) throws EngineException {
        this.target = target;
        this.options = options;
        this.connection = PostgresConnections.open(target);
        try {
            connection.setAutoCommit(!options.singleTransaction());
            copy = connection.unwrap(PGConnection.class).getCopyAPI();
            if (!options.singleTransaction()) {
                // One statement, one commit: no WAL flush for each of them; commit() makes the whole restore durable.
                try (Statement s = connection.createStatement()) {
                    s.execute("SET synchronous_commit = off");
                }
            }
        } catch (SQLException e) {
            closeQuietly();
            throw new EngineException("cannot start the restore into '" + target.database() + "': " + PostgresErrors.describe(e), e);
        }
    }

    @Override
    public void apply(InputStream sql) throws IOException, EngineException {
        SqlScriptReader reader = new SqlScriptReader(sql);
        SqlScriptReader.Item item = reader.next();
        if (options.singleTransaction() && tablesBefore == null) {
            tablesBefore = existingTables();
            freezeAllowed = true;
            transactionId = currentTransactionId();
        }
        if (options.clean()) {
            new PostgresCleaner(connection, target).clean(reader.leadingComments());
        }
        for (; item != null; item = reader.next()) {
            if (item.type() == SqlScriptReader.Type.META_COMMAND) {
                metaCommand(item);
            } else {
                statement(item, reader);
            }
        }
    }

    private void statement(SqlScriptReader.Item item, SqlScriptReader reader) throws IOException, EngineException {
        String sql = item.text();
        if (sql.isEmpty()) {
            return;
        }
        switch (TransactionControl.of(sql)) {
            case ROLLBACK -> throw refused(item, "rolls back its own transaction");
            case REFUSED -> throw refused(item, "ends or hands on the transaction in a way no dump does");
            case BOUNDARY -> {
                if (options.singleTransaction()) {
                    return; // The whole restore is already one transaction: the dump's own BEGIN/COMMIT are not run.
                }
            }
            case SUBTRANSACTION -> {
                savepointsUsed = true;
                freezeAllowed = false;
            }
            case NONE -> {
                // an ordinary statement
            }
        }
        if (!options.trustFile()) {
            java.util.Optional<String> foreign = ForeignStatements.reason(sql);
            if (foreign.isPresent()) {
                throw refused(item, "runs " + foreign.get() + ", which no dump contains; pass --trust-file to run it anyway");
            }
        }
        if (CREATE_DATABASE.matcher(sql).matches()) {
            throw new EngineException("the dump creates a database at line " + item.line()
                    + " (made with pg_dump --create); create the target database yourself and restore a dump made without --create");
        }
        Matcher set = SET_STATEMENT.matcher(sql);
        if (set.matches()) {
            String name = set.group(2).toLowerCase(Locale.ROOT);
            String value = unquote(set.group(4).strip()).toLowerCase(Locale.ROOT);
            if (name.equals("client_encoding")) {
                checkEncoding(value, item.line());
                return;
            }
            if (name.equals("standard_conforming_strings")) {
                reader.standardConformingStrings(value.equals("on") || value.equals("true") || value.equals("1"));
            }
        }
        if (DECLARE_CURSOR.matcher(sql).matches()) {
            freezeAllowed = false;
        }
        if (COPY_FROM_STDIN.matcher(sql).matches()) {
            copyIn(sql, item.line(), reader);
            return;
        }
        execute(sql, item.line(), reader);
    }

    private void execute(String sql, long line, SqlScriptReader reader) throws EngineException {
        try (Statement s = connection.createStatement()) {
            s.setEscapeProcessing(false);
            s.execute(sql);
            statements++;
        } catch (SQLException e) {
            throw failure(sql, line, e);
        }
        BaseConnection server = server();
        // Read the rest as the server and the driver do, however the statement changed the setting (SET, set_config, ...).
        reader.standardConformingStrings(server.getStandardConformingStrings());
        if (options.singleTransaction() && server.getTransactionState() == TransactionState.IDLE) {
            transactionIntact = false;
            throw new EngineException("the statement at line " + line + " (" + firstLine(sql) + ") ended the restore's transaction;"
                    + " what the restore ran before it may be committed: check '" + target.database() + "' and restore again"
                    + " from a trusted file");
        }
    }

    private BaseConnection server() throws EngineException {
        try {
            return connection.unwrap(BaseConnection.class);
        } catch (SQLException e) {
            throw new EngineException("the PostgreSQL driver connection is not what the restore expects: " + e.getMessage(), e);
        }
    }

    /** A statement the restore will not run; nothing from it on runs, and in one transaction nothing before it is kept. */
    private EngineException refused(SqlScriptReader.Item item, String what) {
        String effect = options.singleTransaction() && transactionIntact
                ? "; the file is refused and nothing of it is restored: the target is unchanged"
                : "; the statements before it were already committed one by one";
        return new EngineException("the dump " + what + " at line " + item.line() + " (" + firstLine(item.text()) + ")" + effect
                + "; if you trust the file, run it with psql", null);
    }

    private void copyIn(String sql, long line, SqlScriptReader reader) throws IOException, EngineException {
        reader.skipRestOfLine();
        String table = freezeAllowed ? freezableTable(sql, line) : null;
        CopyIn in;
        try {
            in = copy.copyIn(table == null ? sql : sql + " WITH (FREEZE)");
        } catch (SQLException e) {
            throw failure(sql, line, e);
        }
        try {
            // the data goes to the server as it stands in the dump, in slices of the reader's buffer
            if (!reader.readCopyData(in::writeToCopy)) {
                in.cancelCopy();
                throw new EngineException("the dump ends inside the data of '" + firstLine(sql) + "' (line " + line
                        + "): the file is truncated");
            }
            long rows = in.endCopy();
            statements++;
            if (table != null) {
                frozenTables.add(table);
            }
            copiedRows.record(sql, rows);
        } catch (SQLException e) {
            try {
                if (in.isActive()) {
                    in.cancelCopy();
                }
            } catch (SQLException ignored) {
                // the copy failed already; report the first error
            }
            throw failure(sql, line, e);
        }
    }

    private long currentTransactionId() throws EngineException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_catalog.txid_current()")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new EngineException("starting the restore transaction in '" + target.database() + "' failed: " + PostgresErrors.describe(e), e);
        }
    }

    /** The oids of the tables the target holds before anything is restored. */
    private Set<Long> existingTables() throws EngineException {
        Set<Long> oids = new HashSet<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relkind = 'r'")) {
            while (rs.next()) {
                oids.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new EngineException("reading the tables of '" + target.database() + "' failed: " + PostgresErrors.describe(e), e);
        }
        return oids;
    }

    /**
     * The table of a dump's plain {@code COPY name [(columns)] FROM stdin} when it may be loaded frozen: a plain
     * table this transaction created (not partitioned, foreign, or there before the restore); else null, and
     * the COPY runs as written.
     */
    private String freezableTable(String sql, long line) throws EngineException {
        String table = plainCopyTable(sql);
        if (table == null) {
            return null;
        }
        try (PreparedStatement check = connection.prepareStatement(CREATED_BY_THIS_TRANSACTION)) {
            check.setString(1, table);
            try (ResultSet rs = check.executeQuery()) {
                if (rs.next() && rs.getBoolean(2) && !tablesBefore.contains(rs.getLong(1))) {
                    return table;
                }
            }
            return null;
        } catch (SQLException e) {
            throw failure(sql, line, e);
        }
    }

    /** The table name of {@code COPY name [(columns)] FROM stdin} as written, or null for any other statement. */
    static String plainCopyTable(String sql) {
        Matcher copyShape = PLAIN_COPY_FROM_STDIN.matcher(sql);
        return copyShape.matches() ? copyShape.group("table") : null;
    }

    /** The tables the restore loaded frozen, as their COPY statements name them (tests look at it). */
    List<String> frozenTables() {
        return frozenTables;
    }

    private void metaCommand(SqlScriptReader.Item item) throws EngineException {
        String text = item.text();
        String[] words = text.split("\\s+");
        String command = words[0];
        switch (command) {
            case "\\restrict", "\\unrestrict", "\\echo", "\\qecho" -> {
                // psql's protection against injected meta-commands, and output; nothing to do without psql.
            }
            case "\\connect", "\\c" -> {
                if (words.length > 2 && words[1].startsWith("-reuse-previous")) {
                    // pg_dump -C writes \connect -reuse-previous=on "dbname='name'" for names that need quoting.
                    words = new String[]{words[0], connectionDatabase(text.substring(text.indexOf(words[2])))};
                }
                String database = words.length > 1 ? unquoteIdentifier(words[1]) : "-";
                if (!database.equals("-") && !database.equals(target.database())) {
                    throw new EngineException("the dump switches to database '" + database + "' at line " + item.line()
                            + " (\\connect); the built-in restore writes one database: restore into '" + database
                            + "' or use a single-database dump");
                }
                if (words.length > 2 && !words[2].equals("-")) {
                    throw new EngineException("the dump switches to role '" + words[2] + "' at line " + item.line()
                            + " (\\connect); restore it with psql, or make the dump with --no-owner");
                }
            }
            case "\\set" -> {
                if (words.length < 2 || !(words[1].equals("ON_ERROR_STOP") || words[1].equals("VERBOSITY")
                        || words[1].equals("ECHO") || words[1].equals("QUIET"))) {
                    throw new EngineException("psql variable '" + text + "' at line " + item.line()
                            + " is not supported by the built-in restore; run the file with psql");
                }
            }
            case "\\encoding" -> checkEncoding(words.length > 1 ? unquote(words[1]).toLowerCase(Locale.ROOT) : "utf8", item.line());
            case "\\." -> throw new EngineException("line " + item.line() + " ends COPY data (\\.) outside a COPY: the dump is damaged");
            default -> throw new EngineException("psql meta-command " + command + " at line " + item.line()
                    + " is not supported by the built-in restore; run the file with psql");
        }
    }

    /** The dbname of a libpq connection string argument: "dbname='my db'" → my db. */
    private static String connectionDatabase(String argument) {
        String a = unquoteIdentifier(argument.strip());
        Matcher m = Pattern.compile("dbname\\s*=\\s*'((?:[^'\\\\]|\\\\.)*)'").matcher(a);
        if (m.find()) {
            return "\"" + m.group(1).replaceAll("\\\\(.)", "$1").replace("\"", "\"\"") + "\"";
        }
        return a;
    }

    private static void checkEncoding(String value, long line) throws EngineException {
        String normalized = value.replace("-", "").replace("_", "");
        if (!normalized.equals("utf8") && !normalized.equals("unicode") && !normalized.equals("sqlascii")) {
            throw new EngineException("the dump is encoded in " + value.toUpperCase(Locale.ROOT) + " (line " + line
                    + "); the built-in restore reads UTF-8: convert it (iconv -f " + value.toUpperCase(Locale.ROOT)
                    + " -t UTF-8) and change the SET client_encoding line");
        }
    }

    private EngineException failure(String sql, long line, SQLException e) {
        String message = PostgresErrors.describe(e);
        String hint = "";
        if ("42704".equals(e.getSQLState()) && message.contains("role")) {
            hint = "; the dump names roles the target server lacks: create them, or back up with --no-owner --no-privileges";
        }
        String effect = options.singleTransaction() && transactionIntact ? "; nothing was restored, the target is unchanged" : "";
        return new EngineException("restore into '" + target.database() + "' failed at line " + line + " ("
                + firstLine(sql) + "): " + message + hint + effect, e);
    }

    private static String firstLine(String sql) {
        String first = sql.strip().lines().findFirst().orElse("");
        return first.length() > 100 ? first.substring(0, 100) + "..." : first;
    }

    private static String unquote(String value) {
        String v = value.endsWith(";") ? value.substring(0, value.length() - 1).strip() : value;
        if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
            return v.substring(1, v.length() - 1).replace("''", "'");
        }
        return v;
    }

    private static String unquoteIdentifier(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1).replace("\"\"", "\"");
        }
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    /**
     * Row counts of the restored tables. A table filled by COPY in this (single) transaction takes the row count
     * the server reported for its COPY, provided the transaction's own statistics show exactly those rows
     * inserted and none deleted since (no DELETE, TRUNCATE or re-creation lost any); every other table is
     * counted, which reads it whole.
     */
    @Override
    public Map<String, Long> rowCounts() throws EngineException {
        record Restored(String schema, String table, long inserted, long deleted) {
        }
        List<Restored> tables = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT n.nspname, c.relname,
                            pg_catalog.pg_stat_get_xact_tuples_inserted(c.oid), pg_catalog.pg_stat_get_xact_tuples_deleted(c.oid)
                     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind = 'r' AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass
                                       AND d.objid = c.oid AND d.deptype = 'e')
                     ORDER BY 1, 2""")) {
            while (rs.next()) {
                tables.add(new Restored(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
            }
        } catch (SQLException e) {
            throw new EngineException("listing the restored tables of '" + target.database() + "' failed: " + PostgresErrors.describe(e), e);
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        tablesCountedByScan.clear();
        for (Restored t : tables) {
            String key = t.schema() + "." + t.table();
            Long copied = copiedRows.get(key);
            // Outside one transaction the statistics of earlier commits are not ours to read exactly: count.
            if (options.singleTransaction() && !savepointsUsed && copied != null && t.inserted() == copied && t.deleted() == 0) {
                counts.put(key, copied);
                continue;
            }
            tablesCountedByScan.add(key);
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM ONLY " + SqlText.qualified(t.schema(), t.table()))) {
                rs.next();
                counts.put(key, rs.getLong(1));
            } catch (SQLException e) {
                throw new EngineException("counting the rows of restored table " + key + " failed: "
                        + PostgresErrors.describe(e), e);
            }
        }
        return counts;
    }

    /** The tables the last {@link #rowCounts()} had to count with a scan (tests look at it). */
    List<String> tablesCountedByScan() {
        return tablesCountedByScan;
    }

    @Override
    public List<String> integrityProblems() throws EngineException {
        List<String> problems = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_index i
                     JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
                     WHERE NOT i.indisvalid AND t.relkind <> 'p' AND n.nspname NOT LIKE 'pg\\_%'
                     ORDER BY 1""")) {
            while (rs.next()) {
                problems.add("index " + rs.getString(1) + " is not valid");
            }
        } catch (SQLException e) {
            throw new EngineException("checking the restored database '" + target.database() + "' failed: " + PostgresErrors.describe(e), e);
        }
        return problems;
    }

    @Override
    public RestoreCommit commit() throws EngineException {
        if (options.singleTransaction()) {
            if (transactionId >= 0 && currentTransactionId() != transactionId) {
                transactionIntact = false;
                throw new EngineException("the dump ended the restore's transaction and started another one: part of it may be"
                        + " committed already; check '" + target.database() + "' and restore again from a trusted file");
            }
            try {
                connection.commit();
            } catch (SQLException e) {
                throw new EngineException("committing the restore into '" + target.database() + "' failed: "
                        + PostgresErrors.describe(e) + "; the target is unchanged", e);
            }
        } else {
            // A synchronous commit flushes the WAL up to it, so every earlier statement's commit is on disk too.
            try (Statement s = connection.createStatement()) {
                s.execute("SET synchronous_commit = on");
                s.execute("SELECT pg_catalog.txid_current()");
            } catch (SQLException e) {
                throw new EngineException("making the restore into '" + target.database() + "' durable failed: "
                        + PostgresErrors.describe(e) + "; check the server, then the restored data", e);
            }
        }
        committed = true;
        return new RestoreCommit(null);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!committed && options.singleTransaction()) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // closing the connection rolls back too
            }
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing left to do
        }
    }
}
