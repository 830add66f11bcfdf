package dev.dbbackup.engine.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a plain-SQL script into statements and psql meta-commands the way psql's lexer does: semicolons
 * inside quotes, dollar quotes, comments, parentheses and BEGIN ... END bodies of SQL functions do not end a
 * statement; backslash escapes count in E'' strings and when standard_conforming_strings is off. After a
 * COPY ... FROM stdin statement the caller takes the data with {@link #readCopyData(CopySink)}.
 *
 * <p>The script is scanned as UTF-8 bytes (every byte that matters to the lexer is ASCII): statements are
 * decoded once they are complete, and COPY data is never decoded at all but handed on in large slices of
 * the read buffer, so the bulk of a dump costs one byte scan for line ends.
 */
final class SqlScriptReader {

    enum Type { STATEMENT, META_COMMAND }

    record Item(Type type, String text, long line) {
    }

    /** Receives COPY data as it is read, in slices of the reader's buffer (valid only during the call). */
    @FunctionalInterface
    interface CopySink {
        void write(byte[] data, int offset, int length) throws IOException, SQLException;
    }

    private static final int BUFFER_SIZE = 1 << 18;
    /** Bytes needed after a line start to tell the end-of-data line {@code \.} ({@code \.\r\n}) from data. */
    private static final int END_OF_DATA_LOOKAHEAD = 4;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int position;
    private int limit;
    private boolean eof;
    private long line = 1;
    private boolean standardConformingStrings = true;
    private final List<String> leadingComments = new ArrayList<>();
    private boolean anyItem;

    SqlScriptReader(InputStream in) {
        this.in = in;
    }

    /** Follows {@code SET standard_conforming_strings}, which changes how backslashes in '' strings are read. */
    void standardConformingStrings(boolean on) {
        this.standardConformingStrings = on;
    }

    /** Comment lines seen before the first statement (the dump's header). */
    List<String> leadingComments() {
        return leadingComments;
    }

    long line() {
        return line;
    }

    /** The next statement (without its semicolon) or meta-command, or null at the end of the script. */
    Item next() throws IOException {
        Text sb = new Text();
        int parenDepth = 0;
        int beginDepth = 0;
        int identifierCount = 0;
        char[] firstWords = new char[4];
        long startLine = -1;
        while (true) {
            int c = peek(0);
            if (c < 0) {
                String rest = sb.decode().strip();
                if (rest.isEmpty()) {
                    return null;
                }
                return item(Type.STATEMENT, rest, startLine);
            }
            boolean atStart = sb.length() == 0;
            if (atStart && Character.isWhitespace(c)) {
                advance();
                continue;
            }
            if (c == '-' && peek(1) == '-') {
                String comment = readToEndOfLine();
                if (atStart && !anyItem) {
                    leadingComments.add(comment);
                }
                if (!atStart) {
                    sb.append(comment).append('\n');
                }
                continue;
            }
            if (c == '/' && peek(1) == '*') {
                readBlockComment(atStart ? null : sb);
                continue;
            }
            if (startLine < 0) {
                startLine = line;
            }
            if (c == '\\' && atStart) {
                String meta = readToEndOfLine();
                return item(Type.META_COMMAND, meta.strip(), startLine);
            }
            if (c == '\'') {
                boolean escapes = !standardConformingStrings || isEscapeStringPrefix(sb);
                readQuoted(sb, '\'', escapes);
                continue;
            }
            if (c == '"') {
                readQuoted(sb, '"', false);
                continue;
            }
            if (c == '$' && !endsWithIdentifierChar(sb)) {
                int tagLength = dollarTagLength();
                if (tagLength > 0) {
                    readDollarQuoted(sb, tagLength);
                    continue;
                }
            }
            if (isIdentifierStart(c)) {
                int wordStart = sb.length();
                readWord(sb);
                // psql's heuristic: inside CREATE [OR REPLACE] FUNCTION/PROCEDURE, BEGIN ... END holds semicolons.
                if (identifierCount < firstWords.length) {
                    if (sb.wordIs(wordStart, "create") || sb.wordIs(wordStart, "function") || sb.wordIs(wordStart, "procedure")
                            || sb.wordIs(wordStart, "or") || sb.wordIs(wordStart, "replace")) {
                        firstWords[identifierCount] = (char) Character.toLowerCase(sb.byteAt(wordStart));
                    }
                }
                identifierCount++;
                boolean inRoutine = firstWords[0] == 'c' && (firstWords[1] == 'f' || firstWords[1] == 'p'
                        || (firstWords[1] == 'o' && firstWords[2] == 'r' && (firstWords[3] == 'f' || firstWords[3] == 'p')));
                if (inRoutine && parenDepth == 0) {
                    if (sb.wordIs(wordStart, "begin")) {
                        beginDepth++;
                    } else if (sb.wordIs(wordStart, "case")) {
                        if (beginDepth >= 1) {
                            beginDepth++;
                        }
                    } else if (sb.wordIs(wordStart, "end") && beginDepth > 0) {
                        beginDepth--;
                    }
                }
                continue;
            }
            advance();
            if (c == '(') {
                parenDepth++;
            } else if (c == ')' && parenDepth > 0) {
                parenDepth--;
            } else if (c == ';' && parenDepth == 0 && beginDepth == 0) {
                return item(Type.STATEMENT, sb.decode().strip(), startLine);
            }
            sb.append(c);
        }
    }

    /** Skips what follows a COPY ... FROM stdin; on its line: the data starts on the next line. */
    void skipRestOfLine() throws IOException {
        readToEndOfLine();
    }

    /**
     * Hands the COPY data that follows to {@code sink}, as it stands in the script (line ends included), and
     * consumes the end-of-data line {@code \.}, which is not passed on. Returns false when the script ends
     * before that line (a truncated dump); what was read until then has been passed on.
     */
    boolean readCopyData(CopySink sink) throws IOException, SQLException {
        int start = position;
        boolean lineStart = true;
        while (true) {
            if (lineStart) {
                if (limit - position < END_OF_DATA_LOOKAHEAD && !eof) {
                    send(sink, start, position);
                    fill();
                    start = position;
                    continue;
                }
                if (isEndOfDataLine()) {
                    send(sink, start, position);
                    readToEndOfLine();
                    return true;
                }
            }
            int newline = indexOfNewline(position, limit);
            if (newline >= 0) {
                position = newline + 1;
                line++;
                lineStart = true;
                continue;
            }
            // the line goes on past what is buffered: pass the buffer on and read more
            send(sink, start, limit);
            position = limit;
            lineStart = false;
            if (!fill()) {
                return false;
            }
            start = position;
        }
    }

    private void send(CopySink sink, int from, int to) throws IOException, SQLException {
        if (to > from) {
            sink.write(buffer, from, to - from);
        }
    }

    private boolean isEndOfDataLine() {
        int p = position;
        if (limit - p < 2 || buffer[p] != '\\' || buffer[p + 1] != '.') {
            return false;
        }
        if (p + 2 == limit) {
            return eof;
        }
        byte after = buffer[p + 2];
        if (after == '\n') {
            return true;
        }
        if (after != '\r') {
            return false;
        }
        return p + 3 == limit ? eof : buffer[p + 3] == '\n';
    }

    private int indexOfNewline(int from, int to) {
        byte[] b = buffer;
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private Item item(Type type, String text, long startLine) {
        anyItem = true;
        return new Item(type, text, startLine);
    }

    private String readToEndOfLine() throws IOException {
        Text sb = new Text();
        while (true) {
            int c = peek(0);
            if (c < 0) {
                return sb.decode();
            }
            advance();
            if (c == '\n') {
                if (sb.length() > 0 && sb.byteAt(sb.length() - 1) == '\r') {
                    sb.truncate(sb.length() - 1);
                }
                return sb.decode();
            }
            sb.append(c);
        }
    }

    /** Reads a (nested) block comment, appending it to {@code sb} unless that is null. */
    private void readBlockComment(Text sb) throws IOException {
        int depth = 0;
        while (true) {
            int c = peek(0);
            if (c < 0) {
                return;
            }
            if (c == '/' && peek(1) == '*') {
                depth++;
                appendAndAdvance(sb, 2);
                continue;
            }
            if (c == '*' && peek(1) == '/') {
                depth--;
                appendAndAdvance(sb, 2);
                if (depth == 0) {
                    return;
                }
                continue;
            }
            appendAndAdvance(sb, 1);
        }
    }

    private void appendAndAdvance(Text sb, int count) {
        for (int i = 0; i < count; i++) {
            if (sb != null) {
                sb.append(buffer[position] & 0xff);
            }
            advance();
        }
    }

    private void readQuoted(Text sb, char quote, boolean backslashEscapes) throws IOException {
        sb.append(quote);
        advance();
        while (true) {
            int c = peek(0);
            if (c < 0) {
                return;
            }
            advance();
            sb.append(c);
            if (backslashEscapes && c == '\\') {
                int n = peek(0);
                if (n >= 0) {
                    advance();
                    sb.append(n);
                }
                continue;
            }
            if (c == quote) {
                if (peek(0) == quote) {
                    advance();
                    sb.append(quote);
                    continue;
                }
                return;
            }
        }
    }

    /** The length of the dollar-quote tag starting at the current '$' ("$$" or "$tag$"), or 0 if this is not one. */
    private int dollarTagLength() throws IOException {
        int i = 1;
        while (true) {
            int c = peek(i);
            if (c == '$') {
                return i + 1;
            }
            boolean ok = i == 1 ? isIdentifierStart(c) : isIdentifierStart(c) || (c >= '0' && c <= '9');
            if (!ok || i > buffer.length / 2) {
                return 0;
            }
            i++;
        }
    }

    private void readDollarQuoted(Text sb, int tagLength) throws IOException {
        byte[] tag = Arrays.copyOfRange(buffer, position, position + tagLength);
        appendAndAdvance(sb, tagLength);
        while (true) {
            int c = peek(0);
            if (c < 0) {
                return;
            }
            if (c == '$' && matches(tag)) {
                appendAndAdvance(sb, tagLength);
                return;
            }
            appendAndAdvance(sb, 1);
        }
    }

    private boolean matches(byte[] tag) throws IOException {
        for (int i = 0; i < tag.length; i++) {
            if (peek(i) != (tag[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private void readWord(Text sb) throws IOException {
        while (true) {
            int c = peek(0);
            if (c >= 0 && (isIdentifierStart(c) || (c >= '0' && c <= '9') || c == '$')) {
                sb.append(c);
                advance();
            } else {
                return;
            }
        }
    }

    private static boolean isEscapeStringPrefix(Text sb) {
        int n = sb.length();
        if (n == 0) {
            return false;
        }
        int last = sb.byteAt(n - 1);
        if (last != 'e' && last != 'E') {
            return false;
        }
        return n == 1 || !isIdentifierChar(sb.byteAt(n - 2));
    }

    private static boolean endsWithIdentifierChar(Text sb) {
        return sb.length() > 0 && isIdentifierChar(sb.byteAt(sb.length() - 1));
    }

    /** Letters, underscore and every byte of a multi-byte UTF-8 character, as in psql's lexer. */
    private static boolean isIdentifierStart(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean isIdentifierChar(int c) {
        return isIdentifierStart(c) || (c >= '0' && c <= '9') || c == '$';
    }

    /** The byte {@code offset} ahead (0..255), or -1 past the end of the script. */
    private int peek(int offset) throws IOException {
        while (position + offset >= limit) {
            if (!fill()) {
                return -1;
            }
        }
        return buffer[position + offset] & 0xff;
    }

    private void advance() {
        if (buffer[position] == '\n') {
            line++;
        }
        position++;
    }

    /** Reads more input, keeping unread bytes; false at end of input (or when the buffer is full of unread bytes). */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        if (limit == buffer.length) {
            return false;
        }
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    /** The bytes of one statement, comment or meta-command, decoded as UTF-8 when complete. */
    private static final class Text {
        private byte[] bytes = new byte[256];
        private int length;

        int length() {
            return length;
        }

        int byteAt(int index) {
            return bytes[index] & 0xff;
        }

        void truncate(int newLength) {
            length = newLength;
        }

        Text append(int b) {
            if (length == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[length++] = (byte) b;
            return this;
        }

        Text append(String ascii) {
            byte[] b = ascii.getBytes(StandardCharsets.UTF_8);
            for (byte x : b) {
                append(x & 0xff);
            }
            return this;
        }

        /** True when the bytes from {@code start} to the end are {@code word} (lower case ASCII), ignoring case. */
        boolean wordIs(int start, String word) {
            if (length - start != word.length()) {
                return false;
            }
            for (int i = 0; i < word.length(); i++) {
                int c = bytes[start + i];
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
                if (c != word.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** Strict UTF-8: a malformed byte sequence fails the restore, as it would fail on the server. */
        String decode() throws CharacterCodingException {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        }
    }
}
