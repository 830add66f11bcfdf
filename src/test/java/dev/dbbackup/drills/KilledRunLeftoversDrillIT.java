package dev.dbbackup.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SQLite restore killed with kill -9 leaves its hidden {@code .app.db.restore-XXXX} file beside the database; the next
 * restore of that database removes it and says so.
 */
class KilledRunLeftoversDrillIT {

    @TempDir
    Path dir;

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".app.db.restore-")).toList();
        }
    }

    @Test
    void theNextRestoreRemovesWhatAKilledRestoreLeft() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("app.db")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE big(id INTEGER PRIMARY KEY, payload BLOB)");
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 200000) INSERT INTO big SELECT i, randomblob(300) FROM n");
        }
        Map<String, String> env = Map.of("DATABASE_URL", "sqlite:///./app.db");
        assertEquals(0, Cli.run(dir, env, "backup").exitCode());

        ProcessBuilder builder = new ProcessBuilder(Cli.command("restore", "latest", "--clean", "--yes")).directory(dir.toFile())
                .redirectOutput(dir.resolve("killed.out").toFile()).redirectError(dir.resolve("killed.err").toFile());
        builder.environment().putAll(env);
        Process restore = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (leftovers().stream().noneMatch(p -> size(p) > 2_000_000) && restore.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        restore.destroyForcibly().waitFor(); // kill -9 mid-restore
        assertFalse(leftovers().isEmpty(), "the killed restore left its file: " + Files.readString(dir.resolve("killed.err")));

        Cli.Result next = Cli.run(dir, env, "restore", "latest", "--clean", "--yes");

        assertEquals(0, next.exitCode(), next::toString);
        assertTrue(leftovers().isEmpty(), "leftovers removed: " + leftovers());
        assertTrue(next.stderr().contains("left by an interrupted restore"), next::toString);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }
}
