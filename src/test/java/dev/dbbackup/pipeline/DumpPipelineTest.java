package dev.dbbackup.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.engine.EngineException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DumpPipelineTest {

    private static final DumpResult RESULT = new DumpResult("3.46", "app.db", Map.of("t", 2L));

    @Test
    void writerRecordsSizesAndChecksumsOfBothSides() throws Exception {
        String sql = "CREATE TABLE t(x);\nINSERT INTO t VALUES(1);\nINSERT INTO t VALUES(2);\n" + DumpMarkers.END_OF_DUMP + "\n";
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        DumpWriter.Written written = DumpWriter.write(stored, Compression.gzip(6), out -> {
            out.write(sql.getBytes(StandardCharsets.UTF_8));
            return RESULT;
        });
        byte[] storedBytes = stored.toByteArray();
        assertEquals(sql.length(), written.plainBytes());
        assertEquals(sha256(sql.getBytes(StandardCharsets.UTF_8)), written.plainSha256());
        assertEquals(storedBytes.length, written.storedBytes());
        assertEquals(sha256(storedBytes), written.storedSha256());

        try (DumpReader reader = new DumpReader(new ByteArrayInputStream(storedBytes), Compression.gzip(6))) {
            assertEquals(sql, new String(reader.plain().readAllBytes(), StandardCharsets.UTF_8));
            reader.drain();
            assertEquals(written.storedSha256(), reader.storedSha256());
            assertEquals(written.plainSha256(), reader.plainSha256());
            assertEquals(DumpMarkers.END_OF_DUMP, reader.lastLine());
        }
    }

    @Test
    void aDumpWithoutItsEndMarkerIsNeverABackup() {
        EngineException e = assertThrows(EngineException.class, () -> DumpWriter.write(new ByteArrayOutputStream(), Compression.gzip(1), out -> {
            out.write("CREATE TABLE t(x);\nINSERT INTO t VALUES(1);\n".getBytes(StandardCharsets.UTF_8));
            return RESULT;
        }));
        assertTrue(e.getMessage().contains("end marker"), e.getMessage());
    }

    @Test
    void lastLineTrackerIgnoresTrailingBlankLinesAndKeepsMemoryBounded() {
        LastLineTracker tracker = new LastLineTracker();
        byte[] data = ("a\n" + "x".repeat(100_000) + "\nlast line\n\n  \n").getBytes(StandardCharsets.UTF_8);
        tracker.update(data, 0, data.length);
        assertEquals("last line", tracker.lastLine());
        assertEquals("COMMIT;", DumpMarkers.recognise("COMMIT;").map(x -> "COMMIT;").orElse(null));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
