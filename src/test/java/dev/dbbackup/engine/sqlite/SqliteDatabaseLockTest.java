package dev.dbbackup.engine.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.engine.DatabaseLockedException;
import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.HeldLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDatabaseLockTest {

    private final SqliteEngine engine = new SqliteEngine();

    @TempDir
    Path dir;

    private Path database(String name) throws Exception {
        Path file = dir.resolve(name);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(x)");
        }
        return file;
    }

    @Test
    void theSameDatabaseUnderAnotherNameIsRefusedWithTheHolder() throws Exception {
        Path db = database("app.db");
        Path link = Files.createSymbolicLink(dir.resolve("link.db"), db);
        Files.createDirectories(dir.resolve("sub"));
        try (HeldLock held = engine.lockDatabase(DatabaseUrl.parse("sqlite:///" + db), "backup")) {
            for (String url : new String[] {"sqlite:///" + link, "sqlite:///" + dir.resolve("sub/../app.db")}) {
                DatabaseLockedException refused = assertThrows(DatabaseLockedException.class,
                        () -> engine.lockDatabase(DatabaseUrl.parse(url), "restore"));
                assertTrue(refused.holder().contains("pid " + ProcessHandle.current().pid()), refused.holder());
                assertTrue(refused.holder().contains("(backup)"), refused.holder());
            }
            assertTrue(Files.exists(dir.resolve("app.db.dbbackup-lock")), "the lock file sits beside the database's real path");
        }
        try (HeldLock again = engine.lockDatabase(DatabaseUrl.parse("sqlite:///" + link), "restore")) {
            assertTrue(again.takenOverFrom().isEmpty(), "a released lock is not reported as stale");
        }
    }

    @Test
    void anotherDatabaseInTheSameFolderIsNotBlocked() throws Exception {
        Path one = database("one.db");
        Path two = database("two.db");
        try (HeldLock first = engine.lockDatabase(DatabaseUrl.parse("sqlite:///" + one), "backup");
             HeldLock second = engine.lockDatabase(DatabaseUrl.parse("sqlite:///" + two), "backup")) {
            assertTrue(first.takenOverFrom().isEmpty() && second.takenOverFrom().isEmpty());
        }
    }

    @Test
    void otherProgramsStillWriteTheDatabaseWhileItIsLocked() throws Exception {
        Path db = database("app.db");
        try (HeldLock held = engine.lockDatabase(DatabaseUrl.parse("sqlite:///" + db), "backup");
             Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("INSERT INTO t VALUES (1)");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        }
    }

    @Test
    void aLockLeftByADeadRunIsTakenOverAndReported() throws Exception {
        Path db = database("app.db");
        Files.writeString(dir.resolve("app.db.dbbackup-lock"), "pid 999999 on gone-host since 2025-11-05T01:00:00Z (backup)");
        try (HeldLock lock = engine.lockDatabase(DatabaseUrl.parse("sqlite:///" + db), "restore")) {
            assertEquals("pid 999999 on gone-host since 2025-11-05T01:00:00Z (backup)", lock.takenOverFrom().orElseThrow());
        }
        assertFalse(Files.exists(dir.resolve("app.db.dbbackup-lock")), "a released lock leaves no file beside the database");
    }

    @Test
    void aReleasedLockLeavesNothingBesideTheDatabaseAndCanBeTakenAgain() throws Exception {
        Path db = database("app.db");
        DatabaseUrl url = DatabaseUrl.parse("sqlite:///" + db);
        for (int run = 0; run < 3; run++) {
            try (HeldLock lock = engine.lockDatabase(url, "backup")) {
                assertTrue(Files.exists(dir.resolve("app.db.dbbackup-lock")));
                assertTrue(lock.takenOverFrom().isEmpty(), "a cleanly released lock is not reported as taken over");
            }
            try (var files = Files.list(dir)) {
                assertEquals(List.of("app.db"), files.map(p -> p.getFileName().toString()).sorted().toList());
            }
        }
    }

    @Test
    void aDatabaseNotCreatedYetIsLockedBesideItsFolder() throws Exception {
        Path future = dir.resolve("new.db");
        try (HeldLock held = engine.lockDatabase(DatabaseUrl.parse("sqlite:///" + future), "restore")) {
            assertThrows(DatabaseLockedException.class, () -> engine.lockDatabase(DatabaseUrl.parse("sqlite:///" + future), "restore"));
            assertTrue(Files.exists(dir.resolve("new.db.dbbackup-lock")));
        }
    }
}
