package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The `dbbackup` launcher's class-data-sharing archive: made once per build by a separate training run, then used;
 * a rebuilt jar gets a new one and the old one goes; DBBACKUP_CDS=off makes none. Users see nothing of it: the
 * output is the command's alone.
 */
class LauncherCdsIT {

    private final Path project = Path.of("").toAbsolutePath();
    private final Path target = project.resolve("target");
    private final Path jar = Cli.appJar();
    private FileTime jarTime;

    @BeforeEach
    void removeArchives() throws IOException {
        jarTime = Files.getLastModifiedTime(jar);
        for (Path p : files()) {
            Files.delete(p);
        }
    }

    @AfterEach
    void restore() throws IOException {
        Files.setLastModifiedTime(jar, jarTime);
        for (Path p : files()) {
            Files.delete(p);
        }
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().startsWith("dbbackup-cds-")).sorted().toList();
        }
    }

    private Cli.Result launcher(String cds, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(project.resolve("dbbackup").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("DBBACKUP_JAVA_OPTS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        if (cds != null) {
            builder.environment().put("DBBACKUP_CDS", cds);
        }
        Process process = builder.start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the launcher did not finish");
        return new Cli.Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private void assertVersionOnly(Cli.Result result) {
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.stdout().matches("dbbackup \\S+\n"), result::toString);
        assertEquals("", result.stderr(), "nothing about the archive reaches the user");
    }

    @Test
    void theFirstRunMakesTheArchiveLaterRunsUseItARebuildReplacesIt() throws Exception {
        assertVersionOnly(launcher(null, "--version"));
        List<Path> made = files();
        assertEquals(1, made.size(), "one archive, no temporary file left: " + made);
        assertTrue(made.get(0).getFileName().toString().endsWith(".jsa"), made::toString);
        FileTime madeAt = Files.getLastModifiedTime(made.get(0));

        assertVersionOnly(launcher(null, "--version"));
        assertEquals(made, files(), "the archive is made once");
        assertEquals(madeAt, Files.getLastModifiedTime(made.get(0)));

        // a rebuild (a newer jar) gets an archive of its own; the old build's goes
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertVersionOnly(launcher(null, "--version"));
        List<Path> rebuilt = files();
        assertEquals(1, rebuilt.size(), rebuilt::toString);
        assertNotEquals(made, rebuilt);
    }

    @Test
    void dbbackupCdsOffMakesNoArchive() throws Exception {
        assertVersionOnly(launcher("off", "--version"));
        assertEquals(List.of(), files());
    }
}
