package dev.dbbackup.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Remembers the last non-blank line of a byte stream without keeping the stream (bounded to 4 KiB). */
public final class LastLineTracker {

    private static final int MAX = 4096;

    private byte[] current = new byte[256];
    private int currentLength;
    private boolean currentOverflow;
    private String lastLine;

    public void update(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            update(b[i]);
        }
    }

    public void update(byte b) {
        if (b == '\n') {
            endLine();
            return;
        }
        if (currentLength < MAX) {
            if (currentLength == current.length) {
                current = Arrays.copyOf(current, Math.min(MAX, current.length * 2));
            }
            current[currentLength++] = b;
        } else {
            currentOverflow = true;
        }
    }

    private void endLine() {
        if (currentOverflow || !isBlank()) {
            lastLine = currentOverflow ? "" : new String(current, 0, currentLength, StandardCharsets.UTF_8).strip();
        }
        currentLength = 0;
        currentOverflow = false;
    }

    private boolean isBlank() {
        for (int i = 0; i < currentLength; i++) {
            if (!Character.isWhitespace(current[i])) {
                return false;
            }
        }
        return true;
    }

    /** The last non-blank line seen so far (a trailing line without newline counts). */
    public String lastLine() {
        if (currentLength > 0 && !isBlank()) {
            return new String(current, 0, currentLength, StandardCharsets.UTF_8).strip();
        }
        return lastLine;
    }
}
