package dev.dbbackup.engine.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * Decodes UTF-8 and keeps every byte that is not valid UTF-8 as a lone surrogate U+DC80..U+DCFF (as Python's
 * "surrogateescape" does), so a script with raw invalid UTF-8 in a string literal (which sqlite3 .dump writes
 * for such text) can still be restored byte for byte; see {@link #isEscapedByte(char)}.
 */
final class ByteFaithfulUtf8Reader extends Reader {

    private final InputStream in;
    private final byte[] bytes = new byte[64 * 1024];
    private int position;
    private int limit;
    private boolean eof;
    private int pendingLowSurrogate = -1;

    ByteFaithfulUtf8Reader(InputStream in) {
        this.in = in;
    }

    /** True for a char that stands for one raw byte of invalid UTF-8. */
    static boolean isEscapedByte(char c) {
        return c >= 0xDC80 && c <= 0xDCFF;
    }

    static byte escapedByte(char c) {
        return (byte) (c - 0xDC00);
    }

    /**
     * Rewrites each '...' literal of {@code sql} that holds escaped bytes as CAST(x'...' AS TEXT), the same
     * bytes as text, since a Java string cannot carry invalid UTF-8 to SQLite. Other text is left as it is.
     */
    static String rewriteLiteralsWithRawBytes(String sql) {
        boolean escaped = false;
        for (int i = 0; i < sql.length() && !escaped; i++) {
            escaped = isEscapedByte(sql.charAt(i));
        }
        if (!escaped) {
            return sql;
        }
        StringBuilder out = new StringBuilder(sql.length() + 32);
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            int end;
            if (c == '\'') {
                StringBuilder content = new StringBuilder();
                end = i + 1;
                while (end < sql.length()) {
                    char d = sql.charAt(end++);
                    if (d == '\'') {
                        if (end < sql.length() && sql.charAt(end) == '\'') {
                            content.append('\'');
                            end++;
                            continue;
                        }
                        break;
                    }
                    content.append(d);
                }
                boolean blob = i > 0 && (sql.charAt(i - 1) == 'x' || sql.charAt(i - 1) == 'X');
                if (!blob && content.chars().anyMatch(ch -> isEscapedByte((char) ch))) {
                    out.append("CAST(x'").append(java.util.HexFormat.of().formatHex(bytesOf(content))).append("' AS TEXT)");
                } else {
                    out.append(sql, i, end);
                }
            } else if (c == '"' || c == '`' || c == '[') {
                char close = c == '[' ? ']' : c;
                end = sql.indexOf(close, i + 1);
                end = end < 0 ? sql.length() : end + 1;
                out.append(sql, i, end);
            } else if (c == '-' && sql.startsWith("--", i)) {
                end = sql.indexOf('\n', i);
                end = end < 0 ? sql.length() : end + 1;
                out.append(sql, i, end);
            } else if (c == '/' && sql.startsWith("/*", i)) {
                end = sql.indexOf("*/", i + 2);
                end = end < 0 ? sql.length() : end + 2;
                out.append(sql, i, end);
            } else {
                end = i + 1;
                out.append(c);
            }
            i = end;
        }
        return out.toString();
    }

    private static byte[] bytesOf(CharSequence text) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(text.length() + 16);
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (isEscapedByte(c)) {
                bytes.write(escapedByte(c));
                i++;
                continue;
            }
            int codePoint = Character.codePointAt(text, i);
            i += Character.charCount(codePoint);
            byte[] encoded = new String(Character.toChars(codePoint)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            bytes.write(encoded, 0, encoded.length);
        }
        return bytes.toByteArray();
    }

    @Override
    public int read(char[] chars, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int n = 0;
        while (n < length) {
            if (pendingLowSurrogate >= 0) {
                chars[offset + n++] = (char) pendingLowSurrogate;
                pendingLowSurrogate = -1;
                continue;
            }
            if (position >= limit && !ensure(1)) {
                break;
            }
            if (bytes[position] >= 0) {
                // a run of ASCII, the bulk of a dump
                int end = position + Math.min(limit - position, length - n);
                int at = position;
                while (at < end && bytes[at] >= 0) {
                    chars[offset + n++] = (char) bytes[at++];
                }
                position = at;
                continue;
            }
            if (!ensure(4) && position >= limit) {
                break;
            }
            int b0 = bytes[position] & 0xff;
            int needed;
            int minimum;
            int codePoint;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                needed = 1;
                minimum = 0x80;
                codePoint = b0 & 0x1F;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                needed = 2;
                minimum = 0x800;
                codePoint = b0 & 0x0F;
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                needed = 3;
                minimum = 0x10000;
                codePoint = b0 & 0x07;
            } else {
                chars[offset + n++] = (char) (0xDC00 + b0);
                position++;
                continue;
            }
            boolean valid = position + needed < limit;
            if (valid) {
                for (int i = 1; i <= needed; i++) {
                    int b = bytes[position + i] & 0xff;
                    if ((b & 0xC0) != 0x80) {
                        valid = false;
                        break;
                    }
                    codePoint = (codePoint << 6) | (b & 0x3F);
                }
            }
            if (!valid || codePoint < minimum || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
                chars[offset + n++] = (char) (0xDC00 + b0);
                position++;
                continue;
            }
            position += needed + 1;
            if (codePoint >= 0x10000) {
                chars[offset + n++] = Character.highSurrogate(codePoint);
                pendingLowSurrogate = Character.lowSurrogate(codePoint);
            } else {
                chars[offset + n++] = (char) codePoint;
            }
        }
        return n == 0 ? -1 : n;
    }

    /** Makes at least {@code wanted} bytes available unless the stream ends first; true when they are. */
    private boolean ensure(int wanted) throws IOException {
        if (limit - position >= wanted) {
            return true;
        }
        if (position > 0) {
            System.arraycopy(bytes, position, bytes, 0, limit - position);
            limit -= position;
            position = 0;
        }
        while (!eof && limit < wanted) {
            int read = in.read(bytes, limit, bytes.length - limit);
            if (read < 0) {
                eof = true;
            } else {
                limit += read;
            }
        }
        return limit - position >= wanted;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
