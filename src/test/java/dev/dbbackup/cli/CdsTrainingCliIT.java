package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hidden `cds-training` command, the workload of the launcher's class-data-sharing archive: every real command it
 * runs ends as expected (so the archive keeps holding their classes), it writes only into its own folder, and it
 * refuses to run where settings in the environment could steer it.
 */
class CdsTrainingCliIT {

    private static final List<String> STEPS = List.of("backup", "backup zstd", "list", "verify", "test restore", "restore",
            "backup encrypted", "restore encrypted");

    @TempDir
    Path dir;

    @Test
    void everyStepEndsAsExpectedAndOnlyTheFolderIsWritten() throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        Path folder = dir.resolve("training");
        Cli.Result result = Cli.run(work, Map.of(), "cds-training", folder.toString());

        assertEquals(0, result.exitCode(), result::toString);
        for (String step : STEPS) {
            assertTrue(result.stdout().contains("cds-training step '" + step + "': exit 0\n"), step + "\n" + result);
        }
        assertTrue(result.stdout().contains("cds-training step 'postgresql backup': exit 1\n"), result::toString);
        assertTrue(Files.isRegularFile(folder.resolve("restored.db")), "the restore wrote its database in the folder");
        assertTrue(Files.isRegularFile(folder.resolve("restored-encrypted.db")));
        try (var entries = Files.list(work)) {
            assertEquals(List.of(), entries.toList(), "nothing is written in the working directory");
        }
    }

    @Test
    void refusesSettingsInTheEnvironment() {
        Path folder = dir.resolve("training");
        Cli.Result result = Cli.run(dir, Map.of("BACKUP_LOG_FILE", dir.resolve("user.log").toString(),
                "PGHOST", "db.example.invalid"), "cds-training", folder.toString());

        assertEquals(2, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("BACKUP_LOG_FILE, PGHOST"), result::toString);
        assertFalse(Files.exists(folder), "nothing was written");
        assertFalse(Files.exists(dir.resolve("user.log")));
    }

    @Test
    void refusesAFolderThatHoldsFiles() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("training"));
        Path mine = Files.writeString(folder.resolve("mine.txt"), "keep me");

        Cli.Result result = Cli.run(dir, Map.of(), "cds-training", folder.toString());

        assertEquals(2, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("is not empty"), result::toString);
        try (var entries = Files.list(folder)) {
            assertEquals(List.of(mine), entries.toList());
        }
    }
}
