package dev.dbbackup.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SampleDatabase;
import dev.dbbackup.testing.SqliteDatabaseComparator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application's database {@code app.db} belongs to the application's user ({@code dbbackup-app}, mode 0644); the
 * operator restores it as root. The restored file must keep that owner, group and mode, or the application cannot open
 * its own database. A new file gets the owner and group of its folder, mode 0600.
 */
class RestoredFileOwnershipDrillIT {

    private static final String APP_USER = "dbbackup-app";

    @TempDir
    Path dir;

    @BeforeAll
    static void applicationUser() {
        if (Cli.tool(Path.of("."), "id", "-u", APP_USER).exitCode() != 0) {
            Cli.Result added = Cli.tool(Path.of("."), "useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", APP_USER);
            assertEquals(0, added.exitCode(), added::toString);
        }
        assertEquals("root", System.getProperty("user.name"), "the drill restores as root, as the operator does");
    }

    private static PosixFileAttributes attributes(Path file) throws Exception {
        return Files.readAttributes(file, PosixFileAttributes.class);
    }

    @Test
    void restoreCleanAsRootKeepsTheReplacedFilesOwnerGroupAndMode() throws Exception {
        Path app = SampleDatabase.create(dir.resolve("app.db"));
        Cli.Result backup = Cli.run(dir, Map.of("DATABASE_URL", "sqlite:///./app.db"), "backup");
        assertEquals(0, backup.exitCode(), backup::toString);
        Path atBackup = Files.copy(app, dir.resolve("at-backup.db"));
        SampleDatabase.addMessage(app, "after the backup");
        assertEquals(0, Cli.tool(dir, "chown", APP_USER + ":" + APP_USER, "app.db").exitCode());
        assertEquals(0, Cli.tool(dir, "chmod", "0644", "app.db").exitCode());

        Cli.Result restore = Cli.run(dir, Map.of("DATABASE_URL", "sqlite:///./app.db"), "restore", "latest", "--clean", "--yes");

        assertEquals(0, restore.exitCode(), restore::toString);
        PosixFileAttributes restored = attributes(app);
        assertEquals(APP_USER, restored.owner().getName());
        assertEquals(APP_USER, restored.group().getName());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(restored.permissions()));
        SqliteDatabaseComparator.assertSameContent(atBackup, app);
    }

    @Test
    void aNewFileTakesItsFoldersOwnerAndGroupWithMode0600() throws Exception {
        SampleDatabase.create(dir.resolve("app.db"));
        Cli.Result backup = Cli.run(dir, Map.of("DATABASE_URL", "sqlite:///./app.db"), "backup");
        assertEquals(0, backup.exitCode(), backup::toString);
        Path folder = Files.createDirectories(dir.resolve("data"));
        assertEquals(0, Cli.tool(dir, "chown", APP_USER + ":" + APP_USER, "data").exitCode());

        Cli.Result restore = Cli.run(dir, Map.of("DATABASE_URL", "sqlite:///./data/new.db"), "restore", "latest", "--yes");

        assertEquals(0, restore.exitCode(), restore::toString);
        PosixFileAttributes created = attributes(folder.resolve("new.db"));
        assertEquals(APP_USER, created.owner().getName());
        assertEquals(APP_USER, created.group().getName());
        assertEquals("rw-------", PosixFilePermissions.toString(created.permissions()));
    }
}
