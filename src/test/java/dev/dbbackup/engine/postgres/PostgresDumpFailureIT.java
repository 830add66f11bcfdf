package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresServers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A dump that cannot be complete fails, names what failed, and never writes its end marker. */
class PostgresDumpFailureIT {

    /** Watches the dump as it is written and ends the dump's server session once big's rows are flowing. */
    private static final class TerminatingOutput extends OutputStream {
        private final PostgresServer server;
        private final String database;
        private final StringBuilder text = new StringBuilder();
        private long bytesAfterCopy = -1;
        boolean terminated;

        TerminatingOutput(PostgresServer server, String database) {
            this.server = server;
            this.database = database;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            String chunk = new String(b, off, len, StandardCharsets.ISO_8859_1);
            if (bytesAfterCopy < 0) {
                text.append(chunk);
                int at = text.indexOf("COPY public.big ");
                if (at >= 0) {
                    bytesAfterCopy = text.length() - at;
                }
                if (text.length() > 200) {
                    text.delete(0, text.length() - 200);
                }
            } else {
                bytesAfterCopy += len;
                if (!terminated && bytesAfterCopy > 1_000_000) {
                    terminated = true;
                    server.execute("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                            + database + "' AND application_name = 'dbbackup'");
                }
            }
            if (chunk.contains(DumpMarkers.END_OF_DUMP)) {
                text.append("END-MARKER-SEEN");
            }
        }
    }

    @Test
    void terminatingTheBackendMidDumpFailsNamingTheTable() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String db = server.createDatabase("terminated");
        server.execute(db, "CREATE TABLE public.big (id integer, pad text)",
                "INSERT INTO public.big SELECT g, repeat('x', 100) FROM generate_series(1, 200000) g",
                "CREATE TABLE public.zzz_after (a integer)");
        TerminatingOutput out = new TerminatingOutput(server, db);

        EngineException e = assertThrows(EngineException.class, () -> RoundTrip.ENGINE.dump(server.url(db), DumpOptions.defaults(), out));

        assertTrue(out.terminated, "the backend was terminated during the copy");
        assertTrue(e.getMessage().contains("public.big"), e.getMessage());
        assertTrue(e.getMessage().contains("no backup was written"), e.getMessage());
        assertFalse(out.text.toString().contains("END-MARKER-SEEN"), "no end marker after a failed dump");
    }

    @Test
    void aLockTimeoutFailsTheDumpNamingTheLockedTable() throws Exception {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String db = server.createDatabase("locked");
        server.execute(db, "CREATE TABLE public.free (a integer)", "CREATE TABLE public.locked (a integer)");
        try (var holder = server.connect(db)) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE public.locked IN ACCESS EXCLUSIVE MODE");
            var url = dev.dbbackup.engine.DatabaseUrl.parse(server.url(db) + "?options=-c%20lock_timeout%3D300");

            EngineException e = assertThrows(EngineException.class,
                    () -> RoundTrip.ENGINE.dump(url, DumpOptions.defaults(), OutputStream.nullOutputStream()));

            assertTrue(e.getMessage().contains("could not lock table public.locked"), e.getMessage());
            assertTrue(e.getMessage().contains("lock timeout"), e.getMessage());
            holder.rollback();
        }
    }

    @Test
    void aSchemaOptionThatMatchesNothingIsAnError() {
        PostgresServer server = PostgresServers.version(PostgresServers.newest());
        String db = server.createDatabase("no_such_schema");
        DumpOptions options = new DumpOptions(List.of("Shop"), List.of(), List.of(), false, false, 1, DumpOptions.defaults().progress());

        EngineException e = assertThrows(EngineException.class,
                () -> RoundTrip.ENGINE.dump(server.url(db), options, OutputStream.nullOutputStream()));

        assertTrue(e.getMessage().contains("--schema Shop matches no schema"), e.getMessage());
    }

    @Test
    void unreachableServerFailsWithoutThePassword() {
        var url = dev.dbbackup.engine.DatabaseUrl.parse("postgresql://someone:s3cret@127.0.0.1:1/db");
        EngineException e = assertThrows(EngineException.class,
                () -> RoundTrip.ENGINE.dump(url, DumpOptions.defaults(), OutputStream.nullOutputStream()));
        assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }
}
