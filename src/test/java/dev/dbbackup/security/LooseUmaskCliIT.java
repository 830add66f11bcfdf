package dev.dbbackup.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SampleDatabase;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17.8: under umask 000 every folder dbbackup creates is 0700 and every file 0600 (the README's promise). */
class LooseUmaskCliIT {

    @TempDir
    Path dir;

    private Cli.Result underUmask000(String... args) {
        List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=" + System.getenv("PATH"), "HOME=/root",
                "DATABASE_URL=sqlite:///./app.db", "BACKUP_DIR=" + dir.resolve("backups"),
                "BACKUP_LOG_FILE=" + dir.resolve("logs/nested/backup.log"),
                "BACKUP_METRICS_FILE=" + dir.resolve("metrics/textfile/dbbackup.prom"),
                "sh", "-c", "umask 000; exec \"$@\"", "sh"));
        command.addAll(Cli.command(args));
        return Cli.tool(dir, command.toArray(String[]::new));
    }

    @Test
    void everythingCreatedUnderUmask000IsPrivate() throws Exception {
        SampleDatabase.create(dir.resolve("app.db"));
        Path app = dir.resolve("app.db");

        Cli.Result backup = underUmask000("backup");
        assertEquals(0, backup.exitCode(), backup::toString);
        Cli.Result restore = underUmask000("restore", "latest", "--yes", "--clean");
        assertEquals(0, restore.exitCode(), restore::toString);

        Map<String, String> loose = new TreeMap<>();
        List<Path> created;
        try (Stream<Path> walk = Files.walk(dir)) {
            created = walk.filter(p -> !p.equals(dir) && !p.startsWith(app) && !p.getFileName().toString().startsWith("app.db"))
                    .toList();
        }
        for (Path path : created) {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
            String expected = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------";
            if (!mode.equals(expected)) {
                loose.put(dir.relativize(path).toString(), mode);
            }
        }
        assertEquals(Map.of(), loose, "created: " + created);
        assertEquals(true, created.stream().anyMatch(p -> p.endsWith("backup.log")) && created.stream().anyMatch(p -> p.endsWith("dbbackup.prom"))
                && created.stream().anyMatch(p -> p.getFileName().toString().equals("size_history.csv")), created::toString);
    }
}
