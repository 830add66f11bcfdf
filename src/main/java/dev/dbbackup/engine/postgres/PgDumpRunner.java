package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.EngineException;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * --dumper pg_dump: runs the pg_dump on PATH (after checking it is not older than the server) and streams
 * its plain output, counting the rows of every COPY block, then ends the dump with our end marker.
 */
final class PgDumpRunner {

    private static final Pattern VERSION = Pattern.compile("\\b(\\d+)(?:\\.(\\d+))?");
    private static final Pattern COPY_LINE = Pattern.compile("^COPY (.+?) (\\(.*\\) )?FROM stdin;$");
    private static final Map<String, String> PARAMETER_ENVIRONMENT = Map.of(
            "sslmode", "PGSSLMODE", "sslrootcert", "PGSSLROOTCERT", "sslcert", "PGSSLCERT", "sslkey", "PGSSLKEY",
            "sslcrl", "PGSSLCRL", "connect_timeout", "PGCONNECT_TIMEOUT", "application_name", "PGAPPNAME",
            "options", "PGOPTIONS", "target_session_attrs", "PGTARGETSESSIONATTRS");

    private final DatabaseUrl source;
    private final DumpOptions options;

    PgDumpRunner(DatabaseUrl source, DumpOptions options) {
        this.source = source;
        this.options = options;
    }

    /** The pg_dump executable on PATH, or null. */
    static Path findOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "pg_dump");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The major version pg_dump --version reports ("pg_dump (PostgreSQL) 15.18 (Debian ...)" → 15). */
    static int majorVersion(String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput.substring(Math.max(0, versionOutput.indexOf(')'))));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    DumpResult dump(OutputStream out) throws IOException, EngineException {
        Path pgDump = findOnPath();
        if (pgDump == null) {
            throw new EngineException("--dumper pg_dump: no pg_dump on PATH; install the PostgreSQL client of the server's "
                    + "version or newer, or use the built-in dumper (leave out --dumper)");
        }
        String versionText = run(List.of(pgDump.toString(), "--version"));
        int clientMajor = majorVersion(versionText);
        int serverVersion;
        String serverVersionText;
        try (Connection c = PostgresConnections.open(source); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int, current_setting('server_version')")) {
            rs.next();
            serverVersion = rs.getInt(1);
            serverVersionText = rs.getString(2);
        } catch (SQLException e) {
            throw new EngineException("--dumper pg_dump: cannot read the version of '" + source.database() + "': "
                    + PostgresErrors.describe(e), e);
        }
        int serverMajor = serverVersion / 10000;
        if (clientMajor < serverMajor) {
            throw new EngineException("--dumper pg_dump: " + pgDump + " is version " + clientMajor + " but the server runs PostgreSQL "
                    + serverVersionText + "; pg_dump cannot dump a newer server: install pg_dump " + serverMajor
                    + " or newer, or use the built-in dumper (leave out --dumper)");
        }

        ProcessBuilder pb = new ProcessBuilder(command(pgDump));
        environment(pb.environment());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = pb.start();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread errors = new Thread(() -> drain(process.getErrorStream(), stderr), "pg_dump-stderr");
        errors.setDaemon(true);
        errors.start();
        Map<String, Long> rows = new LinkedHashMap<>();
        boolean complete;
        try {
            complete = stream(process.getInputStream(), out, rows);
        } catch (IOException e) {
            process.destroyForcibly();
            throw e;
        }
        int exit;
        try {
            exit = process.waitFor();
            errors.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new EngineException("--dumper pg_dump was interrupted", e);
        }
        String errorText = DatabaseUrl.redact(stderr.toString(StandardCharsets.UTF_8)).strip();
        if (exit != 0 || !complete) {
            String firstError = errorText.lines().filter(l -> !l.isBlank()).findFirst().orElse("no message");
            throw new EngineException("pg_dump of '" + source.database() + "' failed (exit " + exit + "): "
                    + firstError + "; no backup was written");
        }
        out.write(("\n" + DumpMarkers.END_OF_DUMP + " (written by pg_dump " + clientMajor + ")\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return new DumpResult(serverVersionText, source.database(), rows);
    }

    private List<String> command(Path pgDump) {
        List<String> command = new ArrayList<>(List.of(pgDump.toString(), "--format=plain", "--no-password"));
        for (String s : nonNull(options.schemas())) {
            command.add("--schema=" + s);
        }
        for (String s : nonNull(options.excludeSchemas())) {
            command.add("--exclude-schema=" + s);
        }
        for (String t : nonNull(options.excludeTableData())) {
            command.add("--exclude-table-data=" + t);
        }
        if (options.noOwner()) {
            command.add("--no-owner");
        }
        if (options.noPrivileges()) {
            command.add("--no-privileges");
        }
        return command;
    }

    private void environment(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("DATABASE_") || k.startsWith("BACKUP_") || k.startsWith("DBBACKUP_")
                || k.startsWith("AWS_")); // pg_dump needs none of dbbackup's settings, passphrases and keys among them
        env.put("PGHOST", source.host());
        env.put("PGPORT", Integer.toString(source.port()));
        env.put("PGDATABASE", source.database());
        if (source.user() != null) {
            env.put("PGUSER", source.user());
        }
        if (source.password() != null) {
            env.put("PGPASSWORD", source.password());
        }
        for (Map.Entry<String, String> p : source.parameters().entrySet()) {
            String name = PARAMETER_ENVIRONMENT.get(p.getKey());
            if (name != null) {
                env.put(name, p.getValue());
            }
        }
    }

    /** Copies pg_dump's output line by line, counting COPY rows; true when pg_dump's completion line was seen. */
    private boolean stream(InputStream in, OutputStream out, Map<String, Long> rows) throws IOException {
        byte[] buffer = new byte[1 << 16];
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        String copyTable = null;
        long copyRows = 0;
        boolean complete = false;
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b != '\n') {
                    if (copyTable == null || line.size() < 3) {
                        line.write(b);
                    }
                    continue;
                }
                if (copyTable != null) {
                    if (line.size() == 2 && line.toString(StandardCharsets.UTF_8).equals("\\.")) {
                        rows.put(copyTable, copyRows);
                        options.progress().tableDone(copyTable, copyRows);
                        copyTable = null;
                    } else {
                        copyRows++;
                    }
                } else {
                    String text = line.toString(StandardCharsets.UTF_8);
                    Matcher m = COPY_LINE.matcher(text);
                    if (m.matches()) {
                        copyTable = rowCountKey(m.group(1).strip());
                        copyRows = 0;
                    } else if (text.equals(DumpMarkers.PG_DUMP_END)) {
                        complete = true;
                    }
                }
                line.reset();
            }
        }
        return complete;
    }

    /** "public.\"Odd\"\"Name\"" → public.Odd"Name, the key our restore's row counts use. */
    static String rowCountKey(String qualified) {
        StringBuilder key = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < qualified.length(); i++) {
            char c = qualified.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < qualified.length() && qualified.charAt(i + 1) == '"') {
                    key.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static List<String> nonNull(List<String> list) {
        return list == null ? List.of() : list;
    }

    private static void drain(InputStream in, ByteArrayOutputStream into) {
        try {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (into.size() < 64 * 1024) {
                    into.write(buffer, 0, n);
                }
            }
        } catch (IOException ignored) {
            // the exit code tells the story
        }
    }

    private static String run(List<String> command) throws IOException, EngineException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new EngineException(String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(String.join(" ", command) + " was interrupted", e);
        }
        return output;
    }
}
