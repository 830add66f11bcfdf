package dev.dbbackup.engine.sqlite;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Writes an extra carriage return before every CR LF. The sqlite3 shell (and our splitter, which follows it)
 * drops the carriage return of each CR LF line end, so schema SQL written with CR LF inside it still reads
 * back byte for byte.
 */
final class CarriageReturnPreservingWriter extends FilterWriter {

    private boolean lastWasReturn;

    CarriageReturnPreservingWriter(Writer out) {
        super(out);
    }

    @Override
    public void write(int c) throws IOException {
        if (c == '\n' && lastWasReturn) {
            out.write('\r');
        }
        out.write(c);
        lastWasReturn = c == '\r';
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
        int from = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (chars[i] == '\n' && (i > offset ? chars[i - 1] == '\r' : lastWasReturn)) {
                out.write(chars, from, i - from);
                out.write('\r');
                from = i;
            }
        }
        out.write(chars, from, end - from);
        if (length > 0) {
            lastWasReturn = chars[end - 1] == '\r';
        }
    }

    @Override
    public void write(String text, int offset, int length) throws IOException {
        int end = offset + length;
        int newline = text.indexOf('\n', offset);
        if (newline < 0 || newline >= end) {
            out.write(text, offset, length);
        } else {
            int from = offset;
            for (int i = newline; i < end; i++) {
                if (text.charAt(i) == '\n' && (i > offset ? text.charAt(i - 1) == '\r' : lastWasReturn)) {
                    out.write(text, from, i - from);
                    out.write('\r');
                    from = i;
                }
            }
            out.write(text, from, end - from);
        }
        if (length > 0) {
            lastWasReturn = text.charAt(end - 1) == '\r';
        }
    }
}
