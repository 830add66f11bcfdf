package dev.dbbackup.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Issue 17.3: {@code restore --clean} of a whole-database backup makes the database the backup's content. Objects made
 * after the backup, in several schemas and in new schemas (with a view and a foreign key reaching into public), are
 * removed and each removal is reported; the result equals the database at backup time.
 */
class CleanRestoreCliIT {

    @TempDir
    Path dir;

    @Test
    void cleanRestoreRemovesAndReportsWhatWasMadeAfterTheBackup() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String db = server.createDatabase("clean");
        server.execute(db, "CREATE TABLE account(id int PRIMARY KEY, owner text)", "INSERT INTO account VALUES (1, 'alice')",
                "CREATE SCHEMA app", "CREATE TABLE app.orders(id int PRIMARY KEY, account int REFERENCES account)",
                "INSERT INTO app.orders VALUES (10, 1)");
        Map<String, String> env = Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + server.port() + "/" + db);
        Cli.Result backup = Cli.run(dir, env, "backup");
        assertEquals(0, backup.exitCode(), backup::toString);
        PostgresSnapshot atBackup = PostgresSnapshot.take(server, db);

        server.execute(db, "CREATE TABLE public.added(id int)", "CREATE TABLE app.added(id int)",
                "CREATE SCHEMA later", "CREATE TABLE later.audit(id int, account int REFERENCES public.account)",
                "CREATE VIEW later.owners AS SELECT owner FROM public.account", "CREATE FUNCTION later.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
                "CREATE SCHEMA \"Later Two\"", "CREATE TABLE \"Later Two\".t(id int)");

        Cli.Result restore = Cli.run(dir, env, "restore", "latest", "--clean", "--yes");

        assertEquals(0, restore.exitCode(), restore::toString);
        assertTrue(restore.stderr().contains("--clean removes schema later and everything in it"), restore::toString);
        assertTrue(restore.stderr().contains("--clean removes schema Later Two"), restore::toString);
        assertEquals(List.of(), atBackup.differences(PostgresSnapshot.take(server, db)), "the database is the backup's content");
        server.dropDatabase(db);
    }
}
