package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --jobs: the worker connections copy tables (and ranges of a large table) ahead of the writer, but never more than
 * a fixed amount in memory. A database of many tables, or one table, far larger than the heap backs up with four
 * workers in a 40 MiB heap behind a slow (single-threaded gzip:9) writer, and restores completely.
 */
class PostgresParallelDumpMemoryIT {

    private static final int TABLES = 40;

    @TempDir
    Path dir;

    private static String url(PostgresServer server, String database) {
        return "postgresql://postgres@127.0.0.1:" + server.port() + "/" + database;
    }

    /** A single-threaded gzip:9 writer, slower than the workers, in a 40 MiB heap that dies on OutOfMemoryError. */
    private static Map<String, String> slowWriterSmallHeap(String databaseUrl, String moreJavaOptions) {
        return Map.of(
                "DATABASE_URL", databaseUrl,
                "BACKUP_COMPRESSION", "gzip:9",
                "BACKUP_COMPRESSION_THREADS", "1",
                "JAVA_TOOL_OPTIONS", "-Xmx40m -XX:+ExitOnOutOfMemoryError" + moreJavaOptions);
    }

    @Test
    void fourWorkersAheadOfASlowWriterKeepMemoryFlat() {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String source = server.createDatabase("many_tables");
        List<String> statements = new ArrayList<>();
        for (int i = 1; i <= TABLES; i++) {
            // ~3 MB of SQL per table: 120 MB in all, three times the heap
            statements.add("CREATE TABLE t" + i + " AS SELECT g AS id, md5(g::text) || md5((g * " + i + ")::text) AS a,"
                    + " md5((g + " + i + ")::text) AS b FROM generate_series(1, 30000) g");
            statements.add("ALTER TABLE t" + i + " ADD PRIMARY KEY (id)");
        }
        server.execute(source, statements.toArray(String[]::new));

        Map<String, String> env = slowWriterSmallHeap(url(server, source), "");
        Cli.Result backup = Cli.run(dir, env, 600, "backup", "--jobs", "4");
        assertEquals(0, backup.exitCode(), backup::toString);
        assertTrue(backup.stdout().contains(TABLES + " tables"), backup::toString);

        String restored = server.createDatabase("many_tables_back");
        Cli.Result restore = Cli.run(dir, env, 600, "restore", "latest", "--database-url", url(server, restored), "--yes");
        assertEquals(0, restore.exitCode(), restore::toString);
        assertEquals(List.of(), PostgresSnapshot.take(server, source).differences(PostgresSnapshot.take(server, restored)));
    }

    @Test
    void oneTableLargerThanTheHeapIsReadInRangesAheadOfASlowWriterAndRestoresWhole() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String source = server.createDatabase("one_large_table");
        // ~100 MB of SQL in one table, 2.5 times the heap, read in parts of 4 MiB of table by four workers.
        server.execute(source,
                "CREATE TABLE events (id bigint PRIMARY KEY, kind text, body text)",
                "INSERT INTO events SELECT g, 'kind-' || (g % 13), md5(g::text) || md5((g * 3)::text) || md5((g * 7)::text)"
                        + " FROM generate_series(1, 800000) g",
                "CREATE TABLE small (id int PRIMARY KEY)",
                "INSERT INTO small SELECT generate_series(1, 10)");

        Map<String, String> env = slowWriterSmallHeap(url(server, source), " -Ddbbackup.jobs.part-size=4194304");
        Cli.Result backup = Cli.run(dir, env, 600, "backup", "--jobs", "4");
        assertEquals(0, backup.exitCode(), backup::toString);
        assertTrue(backup.stdout().contains("800010 rows"), backup::toString);
        try (var files = java.nio.file.Files.walk(dir)) {
            List<String> left = files.map(p -> p.getFileName().toString()).filter(n -> n.contains("dbbackup-tmp")).toList();
            assertEquals(List.of(), left, "no temporary or spill file is left beside the backups");
        }

        String restored = server.createDatabase("one_large_table_back");
        Cli.Result restore = Cli.run(dir, env, 600, "restore", "latest", "--database-url", url(server, restored), "--yes");
        assertEquals(0, restore.exitCode(), restore::toString);
        assertEquals(List.of(), PostgresSnapshot.take(server, source).differences(PostgresSnapshot.take(server, restored)));
    }
}
