package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.JobsTuning;
import dev.dbbackup.engine.RestoreOptions;
import dev.dbbackup.engine.RestoreSession;
import dev.dbbackup.testing.PostgresServer;
import dev.dbbackup.testing.PostgresSnapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Dump → restore → compare steps shared by the engine's integration tests. */
final class RoundTrip {

    static final PostgresEngine ENGINE = new PostgresEngine();

    private RoundTrip() {
    }

    static Path dumpFile(String name) throws IOException {
        Path dir = Path.of("target", "pg-dumps");
        Files.createDirectories(dir);
        return dir.resolve(name + ".sql");
    }

    static DumpResult dump(PostgresServer server, String db, DumpOptions options, Path file) throws IOException, EngineException {
        try (OutputStream out = Files.newOutputStream(file)) {
            return ENGINE.dump(server.url(db), options, out);
        }
    }

    /** {@link #dump} with --jobs block ranges of {@code partBytes} of heap (the property is cleared afterwards). */
    static DumpResult dumpInParts(PostgresServer server, String db, DumpOptions options, Path file, long partBytes)
            throws IOException, EngineException {
        try (OutputStream out = Files.newOutputStream(file)) {
            return dumpInParts(server, db, options, out, partBytes);
        }
    }

    /** As above, into {@code out} (left open). */
    static DumpResult dumpInParts(PostgresServer server, String db, DumpOptions options, OutputStream out, long partBytes)
            throws IOException, EngineException {
        System.setProperty(JobsTuning.PART_SIZE_PROPERTY, String.valueOf(partBytes));
        try {
            return ENGINE.dump(server.url(db), options, out);
        } finally {
            System.clearProperty(JobsTuning.PART_SIZE_PROPERTY);
        }
    }

    static Map<String, Long> restore(PostgresServer server, String db, Path file, RestoreOptions options) throws IOException, EngineException {
        try (RestoreSession session = ENGINE.beginRestore(server.url(db), options); InputStream in = Files.newInputStream(file)) {
            session.apply(in);
            Map<String, Long> counts = session.rowCounts();
            assertEquals(List.of(), session.integrityProblems());
            session.commit();
            return counts;
        }
    }

    static String lastLine(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) {
                return lines.get(i);
            }
        }
        return "";
    }

    static void assertEndsWithMarker(Path file) throws IOException {
        assertEquals(java.util.Optional.of("dbbackup"), DumpMarkers.recognise(lastLine(file)), "last line of " + file);
    }

    static void assertSame(PostgresSnapshot source, PostgresSnapshot target) {
        List<String> differences = source.differences(target);
        if (!differences.isEmpty()) {
            fail(differences.size() + " differences between source and restored database:\n"
                    + String.join("\n", differences.subList(0, Math.min(40, differences.size()))));
        }
        assertTrue(source.objectCount() > 0, "the snapshot saw objects");
    }

    private static final Pattern VERSION_LINES = Pattern.compile("(?m)^(-- Dumped (from|by) .*|\\\\(un)?restrict .*)$");

    /** Compares pg_dump --schema-only of two databases; on a difference both outputs are kept in target/pg-dumps. */
    static void assertSamePgDumpSchema(PostgresServer server, String source, String target, String label) throws IOException {
        String a = pgDumpSchema(server, source);
        String b = pgDumpSchema(server, target);
        if (!a.equals(b)) {
            Files.writeString(dumpFile(label + ".pgdump-source"), a);
            Files.writeString(dumpFile(label + ".pgdump-target"), b);
        }
        assertEquals(a, b, "pg_dump --schema-only of source and target (see target/pg-dumps/" + label + ".pgdump-*)");
    }

    /** pg_dump --schema-only output without the lines that name versions or carry random keys. */
    static String pgDumpSchema(PostgresServer server, String db) {
        return VERSION_LINES.matcher(server.pgDump(db, List.of("--schema-only"))).replaceAll("");
    }
}
