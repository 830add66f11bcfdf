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
 * --jobs: the worker connections copy tables ahead of the writer, but never more than a fixed amount. A database
 * of many tables, together far larger than the heap, backs up with four workers in a 40 MiB heap behind a slow
 * (single-threaded gzip:9) writer, and restores completely.
 */
class PostgresParallelDumpMemoryIT {

    private static final int TABLES = 40;

    @TempDir
    Path dir;

    private static String url(PostgresServer server, String database) {
        return "postgresql://postgres@127.0.0.1:" + server.port() + "/" + database;
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

        Map<String, String> env = Map.of(
                "DATABASE_URL", url(server, source),
                "BACKUP_COMPRESSION", "gzip:9",
                "BACKUP_COMPRESSION_THREADS", "1",
                "JAVA_TOOL_OPTIONS", "-Xmx40m -XX:+ExitOnOutOfMemoryError");
        Cli.Result backup = Cli.run(dir, env, 600, "backup", "--jobs", "4");
        assertEquals(0, backup.exitCode(), backup::toString);
        assertTrue(backup.stdout().contains(TABLES + " tables"), backup::toString);

        String restored = server.createDatabase("many_tables_back");
        Cli.Result restore = Cli.run(dir, env, 600, "restore", "latest", "--database-url", url(server, restored), "--yes");
        assertEquals(0, restore.exitCode(), restore::toString);
        assertEquals(List.of(), PostgresSnapshot.take(server, source).differences(PostgresSnapshot.take(server, restored)));
    }
}
