package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.testing.Cli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The `dbbackup` launcher's compiler choice: commands that only print start with the C1 compiler alone; commands that
 * stream databases keep the optimizing compiler but give it only methods that stay hot past start-up; options in
 * DBBACKUP_JAVA_OPTS come last and win.
 */
class LauncherJvmOptionsIT {

    private final Path project = Path.of("").toAbsolutePath();

    @TempDir
    Path dir;

    /** The JVM's command-line flags line (first line of stdout with -XX:+PrintCommandLineFlags), and the run's result. */
    private Cli.Result launcher(String javaOpts, String... args) throws Exception {
        Cli.appJar();
        List<String> command = new ArrayList<>(List.of(project.resolve("dbbackup").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("DBBACKUP_CDS", "off");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().put("DBBACKUP_JAVA_OPTS", "-XX:+PrintCommandLineFlags " + javaOpts);
        Process process = builder.start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the launcher did not finish");
        return new Cli.Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static String flags(Cli.Result result) {
        return result.stdout().lines().findFirst().orElse("") + " ";
    }

    @Test
    void printingCommandsUseC1AloneStreamingCommandsDelayTheOptimizingCompiler() throws Exception {
        Cli.Result version = launcher("", "--version");
        assertEquals(0, version.exitCode(), version::toString);
        assertTrue(flags(version).contains("-XX:TieredStopAtLevel=1 "), version::toString);

        Cli.Result verify = launcher("", "verify", dir.resolve("missing.sql.gz").toString());
        assertEquals(7, verify.exitCode(), verify::toString);
        assertFalse(flags(verify).contains("TieredStopAtLevel"), verify::toString);
        assertTrue(flags(verify).contains("-XX:Tier4InvocationThreshold=50000 "), verify::toString);
        assertTrue(flags(verify).contains("-XX:Tier4BackEdgeThreshold=100000 "), verify::toString);
    }

    @Test
    void dbbackupJavaOptsWin() throws Exception {
        Cli.Result verify = launcher("-XX:Tier4InvocationThreshold=5000", "verify", dir.resolve("missing.sql.gz").toString());
        assertEquals(7, verify.exitCode(), verify::toString);
        assertTrue(flags(verify).contains("-XX:Tier4InvocationThreshold=5000 "), verify::toString);
    }
}
