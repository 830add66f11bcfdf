package dev.dbbackup.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import dev.dbbackup.testing.PostgresSnapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed scenario 1 on PostgreSQL: the target's safety dump fails (a table the restoring role may not read appeared in it),
 * so {@code restore latest --clean --yes} cannot take its safety backup. That is never a dead end: the run stops with a
 * hint naming {@code --no-safety-backup}, and with it the restore goes through with a warning.
 */
class PostgresUnreadableTargetDrillIT {

    private static final String PASSWORD = "Pw-drill-3c9e-never-printed";

    @TempDir
    Path dir;

    @Test
    void aFailingSafetyDumpStopsWithAWayForwardAndNoSafetyBackupRestores() {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String role = "drill_owner_" + ProcessHandle.current().pid();
        server.execute("postgres", "DROP ROLE IF EXISTS " + role, "CREATE ROLE " + role + " LOGIN PASSWORD '" + PASSWORD + "'");
        String database = server.createDatabase("drill_damaged");
        server.execute("postgres", "ALTER DATABASE " + database + " OWNER TO " + role);
        server.execute(database, "ALTER SCHEMA public OWNER TO " + role, "SET ROLE " + role,
                "CREATE TABLE bots (id serial PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO bots(name) SELECT 'bot-' || i FROM generate_series(1, 200) i");
        Map<String, String> env = Map.of("DATABASE_URL",
                "postgresql://" + role + ":" + PASSWORD + "@127.0.0.1:" + server.port() + "/" + database);
        Cli.Result backup = Cli.run(dir, env, "backup");
        assertEquals(0, backup.exitCode(), backup::toString);
        PostgresSnapshot backedUp = PostgresSnapshot.take(server, database);

        // the disaster: rows lost, and an object the restoring role cannot read, so its safety dump fails
        server.execute(database, "DELETE FROM bots WHERE id > 10", "CREATE TABLE public.audit_secret (x int)",
                "INSERT INTO public.audit_secret VALUES (1)", "REVOKE ALL ON public.audit_secret FROM PUBLIC");
        PostgresSnapshot damaged = PostgresSnapshot.take(server, database);

        Cli.Result refused = Cli.run(dir, env, "restore", "latest", "--clean", "--yes");

        assertEquals(1, refused.exitCode(), refused::toString);
        assertTrue(refused.stderr().lines().anyMatch(l -> l.startsWith("error: ") && l.contains("safety backup")), refused::toString);
        assertTrue(refused.stderr().lines().anyMatch(l -> l.startsWith("hint: ") && l.contains("--no-safety-backup")), refused::toString);
        assertEquals(List.of(), damaged.differences(PostgresSnapshot.take(server, database)), "nothing was changed");

        Cli.Result restored = Cli.run(dir, env, "restore", "latest", "--clean", "--yes", "--no-safety-backup");

        assertEquals(0, restored.exitCode(), restored::toString);
        assertTrue(restored.stderr().lines().anyMatch(l -> l.contains("WARN") && l.contains("without a safety backup")), restored::toString);
        assertTrue(restored.stdout().contains("no safety backup was taken"), restored::toString);
        assertEquals(List.of(), backedUp.differences(PostgresSnapshot.take(server, database)));
        assertFalse(restored.all().contains(PASSWORD) || refused.all().contains(PASSWORD));
        server.dropDatabase(database);
    }
}
