package dev.dbbackup.engine.postgres;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresSnapshot;
import dev.dbbackup.testing.RegressionCorpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The proof of issue #15: PostgreSQL's own regression database (nearly every object kind PostgreSQL has; built by
 * {@code .ci/pg-regression-db.sh}, see {@link RegressionCorpus}), backed up once with {@code dbbackup backup}, comes
 * back identical when restored with {@code dbbackup restore} and when restored with stock {@code gunzip | psql}:
 * {@code pg_dump --schema-only} (all but the version and {@code \restrict} lines), every table's rows, sequences,
 * large objects, materialized views' populated state, and the database's own comment, ACL and settings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresRegressionCorpusIT {

    private static final int MINUTES = 20;
    private static final int DIFF_LINES_SHOWN = 150;
    private static final Pattern HUNK_START = Pattern.compile("(?m)^@@ -(\\d+)");
    private static final Pattern DUMP_OBJECT = Pattern.compile("^-- (?:Data for )?Name: ([^;]+); Type: [^;]+; Schema: ([^;]+);");

    /**
     * What no SQL script can recreate, so no restore is asked to: a comment left behind by a dropped subscription
     * (the suite's COMMENT ON SUBSCRIPTION outlives it; pg_identify_object names no object) and shell operators (an
     * operator named only as another's COMMUTATOR or NEGATOR that was dropped; pg_dump skips them too).
     */
    // A foreign key cloned onto a partition is named by the server when the partition is attached or created; a script
    // (ours or pg_dump's) cannot choose that name, so such a key is compared by its parent's (which carries the definition).
    private static final Pattern IRREPRODUCIBLE = Pattern.compile("\\Acomment null:|\\Aschema operator [^\\n]*:\\n    source: - [^\\n]*\\n    target: null\\z"
            + "|\\Aschema constraint [^\\n]*:\\n    source: (null|f FOREIGN KEY [^\\n]* local false inherited [1-9][0-9]*)\\n"
            + "    target: (null|f FOREIGN KEY [^\\n]* local false inherited [1-9][0-9]*)\\z");

    private PostgresServer server;
    private Path work;
    private Cli.Result backup;
    private Path backupFile;
    private String sourceSchema;
    private PostgresSnapshot sourceSnapshot;
    private Map<String, String> sourceDatabase;
    private final List<String> created = new ArrayList<>();

    @BeforeAll
    void backUpTheRegressionDatabase() throws IOException {
        server = RegressionCorpus.server();
        work = Path.of("target", "regression-corpus").toAbsolutePath();
        deleteTree(work);
        Files.createDirectories(work);
        Path backups = work.resolve("backups");
        backup = Cli.run(work, Map.of("DATABASE_URL", databaseUrl(RegressionCorpus.DATABASE),
                "BACKUP_DIR", backups.toString()), MINUTES * 60, "backup");
        if (backup.exitCode() == 0) {
            try (Stream<Path> files = Files.list(backups.resolve("daily"))) {
                backupFile = files.filter(f -> f.getFileName().toString().endsWith(".sql.gz")).findFirst().orElseThrow();
            }
        }
        sourceSchema = RoundTrip.pgDumpSchema(server, RegressionCorpus.DATABASE);
        sourceSnapshot = PostgresSnapshot.take(server, RegressionCorpus.DATABASE);
        sourceDatabase = databaseProperties(RegressionCorpus.DATABASE);
    }

    @AfterAll
    void dropRestoredDatabases() {
        created.forEach(server::dropDatabase);
    }

    @Test
    void dbbackupRestoreGivesBackTheRegressionDatabaseUnchanged() throws IOException {
        Path file = backupFile();
        String target = newDatabase("regression_dbbackup");
        Cli.Result restore = Cli.run(work, Map.of("DATABASE_URL", databaseUrl(target),
                "BACKUP_DIR", work.resolve("backups").toString()), MINUTES * 60, "restore", file.toString(), "--yes");
        assertEquals(0, restore.exitCode(), () -> "dbbackup restore of the regression backup failed\n" + restore);
        assertNoDifferences("dbbackup restore", compare(target, "dbbackup-restore"));
    }

    @Test
    void stockGunzipAndPsqlGiveBackTheRegressionDatabaseUnchanged() throws IOException {
        Path file = backupFile();
        String target = newDatabase("regression_psql");
        Cli.Result restore = shell(target, "set -o pipefail; gunzip -c -- \"$1\" | psql -X -q -v ON_ERROR_STOP=1 -f - -d \"$2\"",
                file.toString(), target);
        assertEquals(0, restore.exitCode(), () -> "gunzip -c | psql -v ON_ERROR_STOP=1 of the regression backup failed\n"
                + tail(restore.stderr(), 30));
        assertNoDifferences("gunzip | psql", compare(target, "psql-restore"));
    }

    /**
     * The comparison is not blind: a stock pg_dump | psql round trip loses what pg_dump's plain format cannot carry,
     * and the comparison reports exactly that. Inheritance children whose columns came to the parent later (or that
     * joined it with INHERIT) get the inherited columns first (pg_dump's CREATE TABLE … INHERITS), which changes their
     * rows' text too. (The foreign keys that partitions inherit, renamed by the server when they are cloned again, are
     * left out of every comparison: see IRREPRODUCIBLE.)
     */
    @Test
    void theComparisonReportsWhatAPgDumpRoundTripLoses() throws IOException {
        String target = newDatabase("regression_pgdump");
        Cli.Result restore = shell(target, "set -o pipefail; pg_dump -d \"$1\" | psql -X -q -v ON_ERROR_STOP=1 -f - -d \"$2\"",
                RegressionCorpus.DATABASE, target);
        assertEquals(0, restore.exitCode(), () -> "pg_dump | psql of the regression database failed\n" + tail(restore.stderr(), 30));
        Differences found = compare(target, "pgdump-roundtrip");

        assertEquals(Set.of("public.gtestxx_4", "public.test_type_diff2_c1", "public.test_type_diff2_c2"), found.schemaDiffObjects(),
                () -> "objects whose pg_dump --schema-only text differs after a pg_dump round trip\n" + found.describe());
        Set<String> reordered = Set.of("public.b_star", "public.c_star", "public.d_star", "public.e_star", "public.f_star",
                "public.gtestxx_4", "public.renamecolumnanother", "public.renamecolumnchild", "public.test_type_diff2_c1",
                "public.test_type_diff2_c2", "public.test_type_diff_c");
        Set<String> expected = new TreeSet<>();
        reordered.forEach(t -> expected.add("schema column " + t));
        Stream.of("b_star", "c_star", "d_star", "e_star", "f_star", "test_type_diff2_c1", "test_type_diff2_c2", "test_type_diff_c")
                .forEach(t -> expected.add("rows public." + t));
        assertEquals(expected, found.snapshotObjects(), () -> "catalog differences after a pg_dump round trip\n" + found.describe());
    }

    private Path backupFile() {
        if (backupFile == null) {
            fail("dbbackup backup of the regression database failed, so there is nothing to restore\n" + backup);
        }
        return backupFile;
    }

    private String databaseUrl(String database) {
        return "postgresql://postgres@127.0.0.1:" + server.port() + "/" + database;
    }

    private String newDatabase(String prefix) {
        String name = server.createDatabase(prefix);
        created.add(name);
        return name;
    }

    /** What differs between the regression database and a restored copy. */
    record Differences(String schemaDiff, Set<String> schemaDiffObjects, Path schemaFiles, Set<String> tablesWithOtherRows,
                       List<String> snapshot, List<String> database) {

        /** What differs in the catalog snapshot, one entry per kind and table ("schema column public.t", "rows public.t"). */
        Set<String> snapshotObjects() {
            Set<String> objects = new TreeSet<>();
            for (String d : snapshot) {
                String key = d.substring(0, d.indexOf(":\n"));
                objects.add(key.startsWith("schema column ") || key.startsWith("schema constraint ")
                        ? key.substring(0, key.lastIndexOf('.')) : key);
            }
            return objects;
        }

        boolean none() {
            return schemaDiff.isEmpty() && snapshot.isEmpty() && database.isEmpty();
        }

        String describe() {
            StringBuilder out = new StringBuilder();
            if (!schemaDiff.isEmpty()) {
                List<String> lines = schemaDiff.lines().toList();
                out.append(schemaDiffObjects.size()).append(" objects whose pg_dump --schema-only text differs: ")
                        .append(String.join(", ", schemaDiffObjects)).append('\n');
                out.append("pg_dump --schema-only differs (").append(lines.size()).append(" diff lines; both dumps in ")
                        .append(schemaFiles).append("*):\n")
                        .append(String.join("\n", lines.subList(0, Math.min(DIFF_LINES_SHOWN, lines.size()))))
                        .append(lines.size() > DIFF_LINES_SHOWN ? "\n[… " + (lines.size() - DIFF_LINES_SHOWN) + " more lines]\n" : "\n");
            }
            if (!tablesWithOtherRows.isEmpty()) {
                out.append(tablesWithOtherRows.size()).append(" tables or large objects whose rows differ: ")
                        .append(String.join(", ", tablesWithOtherRows)).append('\n');
            }
            List<String> rest = snapshot.stream().filter(d -> !d.startsWith("rows ")).toList();
            if (!rest.isEmpty()) {
                out.append(rest.size()).append(" catalog differences (source, then restored):\n")
                        .append(String.join("\n", rest.subList(0, Math.min(60, rest.size()))))
                        .append(rest.size() > 60 ? "\n[… " + (rest.size() - 60) + " more]\n" : "\n");
            }
            database.forEach(d -> out.append("database ").append(d).append('\n'));
            return out.toString();
        }
    }

    private Differences compare(String target, String label) throws IOException {
        String restoredSchema = RoundTrip.pgDumpSchema(server, target);
        Path files = work.resolve(label + ".schema-");
        String diff = "";
        if (!sourceSchema.equals(restoredSchema)) {
            Path a = work.resolve(label + ".schema-source.sql");
            Path b = work.resolve(label + ".schema-restored.sql");
            Files.writeString(a, sourceSchema);
            Files.writeString(b, restoredSchema);
            // -F labels each hunk with the "-- Name: …; Type: …" comment above it, so an excerpt says which object differs.
            diff = Cli.tool(work, "diff", "-u", "-F", "^-- Name: ", a.getFileName().toString(), b.getFileName().toString()).stdout();
        }
        List<String> snapshot = sourceSnapshot.differences(PostgresSnapshot.take(server, target)).stream()
                .filter(d -> !IRREPRODUCIBLE.matcher(d).find()).toList();
        Set<String> rows = new TreeSet<>();
        for (String d : snapshot) {
            if (d.startsWith("rows ")) {
                rows.add(d.substring("rows ".length(), d.indexOf(":\n")));
            }
        }
        List<String> database = new ArrayList<>();
        Map<String, String> restored = databaseProperties(target);
        sourceDatabase.forEach((k, v) -> {
            if (!v.equals(restored.get(k))) {
                database.add(k + ": source " + v + ", restored " + restored.get(k));
            }
        });
        return new Differences(diff, objectsIn(diff), files, rows, snapshot, database);
    }

    /** The objects (schema.name) that the hunks of a diff of pg_dump output change: the "-- Name:" comment above each change. */
    private Set<String> objectsIn(String diff) {
        List<String> lines = sourceSchema.lines().toList();
        Set<String> objects = new TreeSet<>();
        Matcher hunk = HUNK_START.matcher(diff);
        while (hunk.find()) {
            // The hunk starts up to 3 lines of context before its first change.
            for (int i = Math.min(lines.size(), Integer.parseInt(hunk.group(1)) + 3) - 1; i >= 0; i--) {
                Matcher name = DUMP_OBJECT.matcher(lines.get(i));
                if (name.find()) {
                    objects.add(name.group(2) + "." + name.group(1));
                    break;
                }
            }
        }
        return objects;
    }

    private static void assertNoDifferences(String how, Differences found) {
        if (!found.none()) {
            fail("the regression database restored with " + how + " differs from the source\n" + found.describe());
        }
    }

    /** The database's own properties that pg_dump leaves out without --create; the ACL spelled out with its default. */
    private Map<String, String> databaseProperties(String database) {
        String out = server.psql(database, List.of("-At", "-F", "\t", "-c", """
                SELECT 'comment', coalesce(pg_catalog.shobj_description(d.oid, 'pg_database'), '')
                FROM pg_catalog.pg_database d WHERE d.datname = current_database()
                UNION ALL
                SELECT 'acl', coalesce(d.datacl, pg_catalog.acldefault('d', d.datdba))::text
                       || ' owner ' || pg_catalog.pg_get_userbyid(d.datdba)
                FROM pg_catalog.pg_database d WHERE d.datname = current_database()
                UNION ALL
                SELECT 'settings', coalesce((SELECT string_agg(coalesce(s.setrole::regrole::text, '*') || ' ' || s.setconfig::text, '; '
                       ORDER BY s.setrole) FROM pg_catalog.pg_db_role_setting s JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
                       WHERE d.datname = current_database()), '')"""));
        Map<String, String> properties = new java.util.TreeMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.split("\t", 2);
            if (kv.length == 2) {
                properties.put(kv[0], kv[1]);
            }
        }
        return properties;
    }

    /** Runs a bash pipeline of stock tools against {@code database} (arguments as $1, $2 …). */
    private Cli.Result shell(String database, String script, String... arguments) {
        List<String> command = new ArrayList<>(List.of("bash", "-c", script, "bash"));
        command.addAll(List.of(arguments));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
            builder.environment().putAll(server.clientEnvironment(database));
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = read(process.getInputStream());
            CompletableFuture<String> err = read(process.getErrorStream());
            if (!process.waitFor(MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail(script + " did not finish in " + MINUTES + " minutes");
            }
            return new Cli.Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<String> read(java.io.InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<unreadable: " + e + ">";
            }
        });
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
