package dev.dbbackup.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17.5: dbbackup reads a PostgreSQL URL as libpq (Debian's psql) reads the very same string. */
class UrlAsPsqlReadsItIT {

    @TempDir
    Path dir;

    @Test
    void plusSignsInUserAndDatabaseMeanWhatPsqlTakesThemFor() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        server.execute("postgres", "DROP DATABASE IF EXISTS \"app+v2\"", "DROP ROLE IF EXISTS \"ops+1\"",
                "CREATE ROLE \"ops+1\" LOGIN SUPERUSER", "CREATE DATABASE \"app+v2\" OWNER \"ops+1\"");
        // psql, not the JDBC driver: a JDBC URL takes '+' for a space, which is the very confusion under test
        server.psql("app+v2", java.util.List.of("-c", "CREATE TABLE t(id int); INSERT INTO t VALUES (1), (2)"));
        String url = "postgresql://ops+1@127.0.0.1:" + server.port() + "/app+v2?application_name=a+b";

        Cli.Result psql = Cli.tool(dir, "psql", "-X", "-At", "-c",
                "SELECT current_user || '|' || current_database() || '|' || current_setting('application_name')", url);
        assertEquals(0, psql.exitCode(), psql::toString);
        assertEquals("ops+1|app+v2|a+b", psql.stdout().strip(), "libpq's reading");

        Cli.Result backup = Cli.run(dir, Map.of("DATABASE_URL", url), "backup");
        assertEquals(0, backup.exitCode(), backup::toString);
        String written = backup.stdout().lines().filter(l -> l.startsWith("backup written: ")).findFirst().orElseThrow()
                .substring("backup written: ".length());
        String manifest = java.nio.file.Files.readString(Path.of(written + ".json"));
        assertTrue(manifest.contains("\"app+v2\""), "the manifest names the database psql connected to: " + manifest);

        for (String port : new String[] {"0", "99999"}) {
            Cli.Result bad = Cli.run(dir, Map.of("DATABASE_URL", "postgresql://ops+1@127.0.0.1:" + port + "/app+v2"), "backup");
            assertEquals(2, bad.exitCode(), port + ": " + bad);
            assertTrue(bad.stderr().contains("from 1 to 65535"), bad::toString);
            Cli.Result psqlBad = Cli.tool(dir, "psql", "-X", "-At", "-c", "SELECT 1", "postgresql://ops+1@127.0.0.1:" + port + "/app+v2");
            assertTrue(psqlBad.exitCode() != 0, "psql refuses port " + port + " too: " + psqlBad);
        }
        server.execute("postgres", "DROP DATABASE \"app+v2\"", "DROP ROLE \"ops+1\"");
    }
}
