package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.JobsTuning;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in dumper: one REPEATABLE READ, READ ONLY transaction; the catalog read with the server's
 * deparsers; table data streamed with COPY TO STDOUT; plain SQL that stock psql restores.
 */
final class PostgresDumper {

    static final int OLDEST_SUPPORTED = 120000;
    private static final Logger LOG = Logger.getLogger(PostgresDumper.class);
    private static final int LARGE_OBJECT_CHUNK = 128 * 1024;

    private final DatabaseUrl source;
    private final DumpOptions options;

    PostgresDumper(DatabaseUrl source, DumpOptions options) {
        this.source = source;
        this.options = options;
    }

    DumpResult dump(OutputStream target) throws IOException, EngineException {
        try (Connection connection = PostgresConnections.open(source)) {
            return dump(connection, target);
        } catch (SQLException e) {
            throw new EngineException("dump of PostgreSQL database '" + source.database() + "' failed: " + PostgresErrors.describe(e), e);
        }
    }

    private DumpResult dump(Connection connection, OutputStream target) throws IOException, EngineException, SQLException {
        connection.setAutoCommit(false);
        int version;
        String serverVersion;
        try (Statement s = connection.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            try (ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int, current_setting('server_version')")) {
                rs.next();
                version = rs.getInt(1);
                serverVersion = rs.getString(2);
            }
            if (version < OLDEST_SUPPORTED) {
                throw new EngineException("PostgreSQL " + serverVersion + " is older than 12, the oldest server the built-in dumper supports; "
                        + "use --dumper pg_dump");
            }
            for (String setting : sessionSettings(version)) {
                s.execute(setting);
            }
        } catch (SQLException e) {
            throw new EngineException("could not start the dump transaction on '" + source.database() + "': " + PostgresErrors.describe(e), e);
        }
        lockTables(connection);
        PostgresCatalog catalog = new PostgresCatalog(connection, options, version);
        List<DumpObject> ordered = DependencyOrder.sort(catalog.read());

        Map<String, Long> rows = new LinkedHashMap<>();
        BufferedOutputStream out = new BufferedOutputStream(target, 1 << 16);
        writeHeader(out, serverVersion, catalog.schemaNames());
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        List<DumpObject.TableData> tables = new ArrayList<>();
        for (DumpObject o : ordered) {
            if (o.kind == DumpObject.Kind.TABLE_DATA) {
                tables.add(o.data);
            }
        }
        try (ParallelTableCopy parallel = parallelCopy(connection, version, tables)) {
            int tableIndex = 0;
            for (DumpObject o : ordered) {
                switch (o.kind) {
                    case TABLE_DATA -> {
                        long count = copyTable(copy, parallel, tableIndex++, o, out);
                        // Extension configuration tables hold rows of the extension too: no count to verify against.
                        if (o.data.condition() == null) {
                            rows.put(o.data.rowCountKey(), count);
                        }
                        options.progress().tableDone(o.data.rowCountKey(), count);
                    }
                    case SEQUENCE_SET -> writeSequenceSet(connection, o, out);
                    case LARGE_OBJECT_DATA -> writeLargeObject(connection, o, out);
                    default -> writeStatements(o, out);
                }
            }
        }
        write(out, "--\n-- dbbackup: " + rows.size() + " tables, " + rows.values().stream().mapToLong(Long::longValue).sum()
                + " rows\n--\n\n" + DumpMarkers.END_OF_DUMP + "\n");
        out.flush();
        try {
            connection.commit();
        } catch (SQLException e) {
            throw new EngineException("the dump transaction on '" + source.database() + "' did not end cleanly: "
                    + PostgresErrors.describe(e), e);
        }
        return new DumpResult(serverVersion, source.database(), rows);
    }

    static List<String> sessionSettings(int version) {
        List<String> settings = new ArrayList<>(List.of(
                "SELECT pg_catalog.set_config('search_path', '', false)",
                "SET statement_timeout = 0",
                "SET idle_in_transaction_session_timeout = 0",
                // Deparsed literals must read back under the dump's own header (standard_conforming_strings = on).
                "SET standard_conforming_strings = on",
                "SET DateStyle = ISO",
                "SET IntervalStyle = postgres",
                "SET extra_float_digits = 3",
                "SET row_security = off",
                // Names the source's deparsers leave bare may be keywords of a newer server (a parameter named json
                // breaks on 16+): quote every identifier, as pg_dump --quote-all-identifiers does for upgrades.
                "SET quote_all_identifiers = on"));
        if (version >= 170000) {
            settings.add("SET transaction_timeout = 0");
        }
        return settings;
    }

    /** ACCESS SHARE locks, as pg_dump takes them: nobody drops or rewrites a table while it is being dumped. */
    private void lockTables(Connection connection) throws EngineException {
        SchemaFilter filter = new SchemaFilter(options);
        List<String> tables = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind IN ('r', 'p') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                     ORDER BY 1, 2""")) {
            while (rs.next()) {
                if (filter.includesSchema(rs.getString(1))) {
                    tables.add(SqlText.qualified(rs.getString(1), rs.getString(2)));
                }
            }
        } catch (SQLException e) {
            throw new EngineException("listing the tables of '" + source.database() + "' failed: " + PostgresErrors.describe(e), e);
        }
        for (String table : tables) {
            try (Statement s = connection.createStatement()) {
                s.execute("LOCK TABLE ONLY " + table + " IN ACCESS SHARE MODE");
            } catch (SQLException e) {
                String hint = "42501".equals(e.getSQLState())
                        ? "; the backup role may not read it: grant it SELECT, or leave its schema out with --exclude-schema"
                        : "; another session holds a conflicting lock (lock timeout), or the table was dropped; run the backup again";
                throw new EngineException("could not lock table " + table + " for the dump: " + PostgresErrors.describe(e) + hint, e);
            }
        }
    }

    private void writeHeader(OutputStream out, String serverVersion, List<String> schemas) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("--\n-- PostgreSQL database dump written by dbbackup\n--\n\n");
        sb.append("-- Dumped from database version ").append(serverVersion).append('\n');
        sb.append("-- Database: ").append(source.database().replaceAll("\\R", " ")).append('\n');
        List<String> quoted = new ArrayList<>();
        for (String s : schemas) {
            quoted.add(SqlText.ident(s));
        }
        // Read by the restore to know what --clean replaces; one quoted identifier per schema.
        sb.append("-- dbbackup-schemas: ").append(String.join(" ", quoted).replaceAll("\\R", " ")).append('\n');
        sb.append(options.schemas() == null || options.schemas().isEmpty() ? "-- dbbackup-scope: database\n" : "-- dbbackup-scope: schemas\n");
        sb.append('\n');
        sb.append("""
                SET statement_timeout = 0;
                SET lock_timeout = 0;
                SET idle_in_transaction_session_timeout = 0;
                SET client_encoding = 'UTF8';
                SET standard_conforming_strings = on;
                SELECT pg_catalog.set_config('search_path', '', false);
                SET check_function_bodies = false;
                SET xmloption = content;
                SET client_min_messages = warning;
                SET row_security = off;

                """);
        write(out, sb.toString());
    }

    private static void writeStatements(DumpObject o, OutputStream out) throws IOException {
        if (o.statements.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("--\n-- Name: ").append(oneLine(o.name)).append("; Type: ").append(o.kind.label)
                .append("; Schema: ").append(o.schema == null ? "-" : oneLine(o.schema))
                .append("; Owner: ").append(o.owner == null ? "-" : oneLine(o.owner)).append("\n--\n\n");
        for (String statement : o.statements) {
            sb.append(statement).append("\n\n");
        }
        write(out, sb.toString());
    }

    /**
     * --jobs N: the tables (large ones in block ranges) read over N connections on the dump's snapshot, reading ahead
     * into the options' read-ahead space when there is one; null for one connection.
     */
    private ParallelTableCopy parallelCopy(Connection connection, int version, List<DumpObject.TableData> tables) throws EngineException {
        if (options.jobs() < 2 || tables.isEmpty()) {
            return null;
        }
        List<ParallelTableCopy.Part> parts;
        try {
            parts = TableParts.plan(connection, version, tables, JobsTuning.partSize(TableParts.DEFAULT_PART_BYTES));
        } catch (SQLException e) {
            throw new EngineException("--jobs: could not read the table sizes of '" + source.database() + "': "
                    + PostgresErrors.describe(e) + "; run with --jobs 1", e);
        }
        if (parts.size() < 2) {
            return null;
        }
        if (parts.size() > tables.size()) {
            LOG.debugf("--jobs %d: %d tables read in %d parts", options.jobs(), tables.size(), parts.size());
        }
        return new ParallelTableCopy(tables, parts, workerConnections(connection, version, Math.min(options.jobs(), parts.size())),
                options.readAhead());
    }

    /**
     * Connections for --jobs that see exactly the dump's snapshot: the leader exports it, each worker imports
     * it into its own REPEATABLE READ, READ ONLY transaction.
     */
    private List<Connection> workerConnections(Connection leader, int version, int count) throws EngineException {
        String snapshot;
        try (Statement s = leader.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_export_snapshot()")) {
            rs.next();
            snapshot = rs.getString(1);
        } catch (SQLException e) {
            throw new EngineException("--jobs: could not export the dump's snapshot on '" + source.database() + "': "
                    + PostgresErrors.describe(e) + "; run with --jobs 1 (standbys cannot export snapshots)", e);
        }
        List<Connection> workers = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Connection c = PostgresConnections.open(source);
                workers.add(c);
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    s.execute("SET TRANSACTION SNAPSHOT " + SqlText.literal(snapshot));
                    for (String setting : sessionSettings(version)) {
                        s.execute(setting);
                    }
                }
            }
        } catch (SQLException | EngineException e) {
            for (Connection c : workers) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // already failing
                }
            }
            String reason = e instanceof SQLException sql ? PostgresErrors.describe(sql) : e.getMessage();
            throw new EngineException("--jobs: could not open worker connection " + (workers.size()) + " of " + count
                    + " to '" + source.database() + "': " + reason + "; lower --jobs or raise max_connections", e);
        }
        return workers;
    }

    private long copyTable(CopyManager copy, ParallelTableCopy parallel, int index, DumpObject o, OutputStream out)
            throws IOException, EngineException {
        DumpObject.TableData t = o.data;
        write(out, "--\n-- Data for Name: " + oneLine(t.table()) + "; Type: TABLE DATA; Schema: " + oneLine(t.schema()) + "\n--\n\n"
                + "COPY " + t.qualifiedName() + t.columnList() + " FROM stdin;\n");
        if (parallel != null) {
            long count = parallel.copy(index, out);
            write(out, "\\.\n\n");
            return count;
        }
        long count;
        try {
            count = copy.copyOut(t.copyOutSql(), out);
        } catch (SQLException e) {
            throw new EngineException("dump of '" + source.database() + "' failed while copying the rows of table "
                    + t.rowCountKey() + ": " + PostgresErrors.describe(e) + "; no backup was written, run it again", e);
        }
        write(out, "\\.\n\n");
        return count;
    }

    private void writeSequenceSet(Connection connection, DumpObject o, OutputStream out) throws IOException, EngineException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT last_value, is_called FROM " + o.sequenceName)) {
            rs.next();
            write(out, "--\n-- Name: " + oneLine(o.name) + "; Type: SEQUENCE SET; Schema: " + oneLine(o.schema) + "\n--\n\n"
                    + "SELECT pg_catalog.setval(" + SqlText.literal(o.sequenceName) + ", " + rs.getLong(1) + ", "
                    + rs.getBoolean(2) + ");\n\n");
        } catch (SQLException e) {
            throw new EngineException("dump of '" + source.database() + "' failed while reading sequence " + o.schema + "." + o.name
                    + ": " + PostgresErrors.describe(e), e);
        }
    }

    private void writeLargeObject(Connection connection, DumpObject o, OutputStream out) throws IOException, EngineException {
        write(out, "--\n-- Data for Name: " + o.largeObject + "; Type: BLOB DATA\n--\n\n");
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_catalog.lo_get(?::oid, ?, ?)")) {
            long offset = 0;
            while (true) {
                ps.setLong(1, o.largeObject);
                ps.setLong(2, offset);
                ps.setInt(3, LARGE_OBJECT_CHUNK);
                byte[] chunk;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    chunk = rs.getBytes(1);
                }
                if (chunk == null || chunk.length == 0) {
                    break;
                }
                // lo_put needs no open descriptor, so psql in autocommit mode restores it too.
                write(out, "SELECT pg_catalog.lo_put('" + o.largeObject + "', " + offset + ", '\\x" + HexFormat.of().formatHex(chunk) + "');\n");
                offset += chunk.length;
                if (chunk.length < LARGE_OBJECT_CHUNK) {
                    break;
                }
            }
            write(out, "\n");
        } catch (SQLException e) {
            throw new EngineException("dump of '" + source.database() + "' failed while reading large object " + o.largeObject
                    + ": " + PostgresErrors.describe(e), e);
        }
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\R", " ");
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
