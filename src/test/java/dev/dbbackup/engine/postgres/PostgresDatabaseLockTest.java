package dev.dbbackup.engine.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PostgresDatabaseLockTest {

    private static final Instant SINCE = Instant.parse("2026-01-05T01:02:03.456Z");

    @Test
    void theApplicationNameNamesTheHolderAndReadsBackAsPidHostAndStart() {
        String name = PostgresDatabaseLock.applicationName("backup", 4242, "db-host.example.com", SINCE);
        assertEquals("dbbackup backup 4242@db-host 2026-01-05T01:02:03Z", name);
        assertEquals("pid 4242 on db-host since 2026-01-05T01:02:03Z (backup; its PostgreSQL session is pid 77)",
                PostgresDatabaseLock.describe(77, name, null, null, null));
    }

    @Test
    void aLongHostNameIsShortenedSoTheServerKeepsPidAndStartTime() {
        String name = PostgresDatabaseLock.applicationName("restore", 4194304, "a-very-long-container-host-name-indeed", SINCE);
        assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= 63, name);
        assertTrue(name.startsWith("dbbackup restore 4194304@a-very-long"), name);
        assertTrue(name.endsWith(" 2026-01-05T01:02:03Z"), name);
        assertTrue(PostgresDatabaseLock.describe(1, name, null, null, null).startsWith("pid 4194304 on a-very-long"));
    }

    @Test
    void aForeignHolderIsDescribedByWhatTheServerShows() {
        assertEquals("PostgreSQL session pid 9 (application 'psql', user ops, from 10.0.0.5, connected since 2026-01-05 01:00:00+00)",
                PostgresDatabaseLock.describe(9, "psql", "ops", "2026-01-05 01:00:00+00", "10.0.0.5"));
        assertEquals("PostgreSQL session pid 9 (no application name)", PostgresDatabaseLock.describe(9, "", null, null, null));
    }

    @Test
    void theKeyIsTheAsciiOfDbbackup() {
        assertEquals("dbbackup", new String(java.nio.ByteBuffer.allocate(8).putLong(PostgresDatabaseLock.KEY).array(), StandardCharsets.US_ASCII));
    }
}
