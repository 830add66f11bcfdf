package dev.dbbackup.pipeline;

import dev.dbbackup.engine.DumpMarkers;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Remembers the last non-blank line of a byte stream without keeping the stream (bounded to 4 KiB), looking past
 * the lines pg_dump writes after its end marker ({@link DumpMarkers#isTrailer}: {@code --}, the psql {@code unrestrict <key>} meta-command).
 * A chunk is scanned from its end, so only the bytes after its last newline and the last non-blank
 * line before it are looked at: the cost per chunk does not grow with the number of lines in it.
 */
public final class LastLineTracker {

    private static final int MAX = 4096;

    private byte[] current = new byte[256];
    private int currentLength;
    private boolean currentOverflow;
    private String lastLine;

    public void update(byte[] b, int off, int len) {
        int end = off + len;
        int lastNewline = lastIndexOfNewline(b, off, end);
        if (lastNewline < 0) {
            append(b, off, len);
            return;
        }
        int lineEnd = lastNewline;
        while (true) {
            int newlineBefore = lastIndexOfNewline(b, off, lineEnd);
            if (newlineBefore < 0) {
                // the first line of the chunk continues the line carried over from earlier chunks
                append(b, off, lineEnd - off);
                endLine();
                break;
            }
            if (lineEnd - newlineBefore - 1 > MAX) {
                lastLine = "";
                break;
            }
            if (!isBlank(b, newlineBefore + 1, lineEnd) && !isTrailer(b, newlineBefore + 1, lineEnd)) {
                lastLine = new String(b, newlineBefore + 1, lineEnd - newlineBefore - 1, StandardCharsets.UTF_8).strip();
                break;
            }
            lineEnd = newlineBefore;
        }
        currentLength = 0;
        currentOverflow = false;
        append(b, lastNewline + 1, end - lastNewline - 1);
    }

    public void update(byte b) {
        if (b == '\n') {
            endLine();
            return;
        }
        append(new byte[] {b}, 0, 1);
    }

    private static int lastIndexOfNewline(byte[] b, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void append(byte[] b, int off, int len) {
        if (currentOverflow || len == 0) {
            return;
        }
        if (currentLength + len > MAX) {
            currentOverflow = true;
            return;
        }
        if (currentLength + len > current.length) {
            current = Arrays.copyOf(current, Math.min(MAX, Math.max(current.length * 2, currentLength + len)));
        }
        System.arraycopy(b, off, current, currentLength, len);
        currentLength += len;
    }

    private void endLine() {
        if (currentOverflow || (!isBlank(current, 0, currentLength) && !isTrailer(current, 0, currentLength))) {
            lastLine = currentOverflow ? "" : new String(current, 0, currentLength, StandardCharsets.UTF_8).strip();
        }
        currentLength = 0;
        currentOverflow = false;
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Character.isWhitespace(b[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean isTrailer(byte[] b, int from, int to) {
        // Trailers are short; a longer line is never one (and is not worth decoding here).
        return to - from <= 128 && DumpMarkers.isTrailer(new String(b, from, to - from, StandardCharsets.UTF_8).strip());
    }

    /** The last non-blank, non-trailer line seen so far (a trailing line without newline counts). */
    public String lastLine() {
        if (currentOverflow) {
            return "";
        }
        if (currentLength > 0 && !isBlank(current, 0, currentLength) && !isTrailer(current, 0, currentLength)) {
            return new String(current, 0, currentLength, StandardCharsets.UTF_8).strip();
        }
        return lastLine;
    }
}
