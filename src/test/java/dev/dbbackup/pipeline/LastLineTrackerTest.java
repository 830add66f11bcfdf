package dev.dbbackup.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LastLineTrackerTest {

    @Test
    void looksPastTheLinesPgDumpWritesAfterItsEndMarker() {
        String withRestrict = "COPY t (a) FROM stdin;\n1\n\\.\n\n\n--\n-- PostgreSQL database dump complete\n--\n\n"
                + "\\unrestrict 7dJqXoRB2vzZ3cW8lr4o\n\n";
        String without = "--\n-- PostgreSQL database dump complete\n--\n\n";
        String truncated = "--\n-- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: postgres\n--\n\n";
        for (String text : new String[] {withRestrict, without}) {
            LastLineTracker tracker = new LastLineTracker();
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            tracker.update(bytes, 0, bytes.length);
            assertEquals("-- PostgreSQL database dump complete", tracker.lastLine());
        }
        LastLineTracker tracker = new LastLineTracker();
        byte[] bytes = truncated.getBytes(StandardCharsets.UTF_8);
        tracker.update(bytes, 0, bytes.length);
        assertEquals("-- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: postgres", tracker.lastLine());
        assertEquals("\\unrestrict abc x", trackerOf("\\unrestrict abc x\n"), "only pg_dump's exact line is a trailer");
    }

    private static String trackerOf(String text) {
        LastLineTracker tracker = new LastLineTracker();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        tracker.update(bytes, 0, bytes.length);
        return tracker.lastLine();
    }

    @Test
    void findsTheLastNonBlankLineHoweverTheStreamIsCut() {
        Random random = new Random(7);
        String[] pieces = {"a", "COMMIT;", "-- dbbackup: end of dump", " ", "\t", "\n", "\n", "\r\n", "x".repeat(5000), "é", "  y  ",
                "--", "\\unrestrict Ab9", "-- PostgreSQL database dump complete"};
        for (int round = 0; round < 3000; round++) {
            StringBuilder text = new StringBuilder();
            int count = random.nextInt(12);
            for (int i = 0; i < count; i++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            LastLineTracker tracker = new LastLineTracker();
            int off = 0;
            while (off < bytes.length) {
                int len = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(bytes.length - off);
                if (len == 1 && random.nextBoolean()) {
                    tracker.update(bytes[off]);
                } else {
                    tracker.update(bytes, off, len);
                }
                off += len;
            }
            assertEquals(expected(text.toString()), tracker.lastLine(), "for " + text.toString().replace("\n", "\\n"));
        }
    }

    /**
     * The model: split into lines, take the last non-blank one that is not a pg_dump trailer ({@code --},
     * the psql {@code unrestrict key} meta-command); a line over 4 KiB is reported as empty.
     */
    private static String expected(String text) {
        String[] lines = text.split("\n", -1);
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i];
            if (line.getBytes(StandardCharsets.UTF_8).length > 4096) {
                return "";
            }
            if (!line.isBlank() && !line.strip().equals("--") && !line.strip().matches("\\\\unrestrict [A-Za-z0-9]+")) {
                return line.strip();
            }
        }
        return null;
    }
}
