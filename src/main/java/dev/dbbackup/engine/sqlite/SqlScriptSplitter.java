package dev.dbbackup.engine.sqlite;

import java.io.IOException;
import java.io.Reader;

/**
 * Cuts a SQL script into statements the way the sqlite3 shell does: a statement ends at a semicolon
 * that {@code sqlite3_complete()} accepts. Semicolons inside '...', "...", [...], `...`, comments and
 * CREATE TRIGGER ... BEGIN ... END bodies do not end a statement. As the shell reads line by line and drops
 * the carriage return of every CR LF line end, so does this splitter. Streams: holds one statement at a time.
 */
public final class SqlScriptSplitter {

    /** One statement, starting at its first token, with the 1-based line that token is on. */
    public record Statement(String sql, int line, boolean terminated) {
    }

    // Token classes and state table of sqlite3_complete() (complete.c).
    private static final int TK_SEMI = 0;
    private static final int TK_WS = 1;
    private static final int TK_OTHER = 2;
    private static final int TK_EXPLAIN = 3;
    private static final int TK_CREATE = 4;
    private static final int TK_TEMP = 5;
    private static final int TK_TRIGGER = 6;
    private static final int TK_END = 7;

    private static final int START = 1;

    private static final int[][] TRANSITIONS = {
            /*              SEMI WS OTHER EXPLAIN CREATE TEMP TRIGGER END */
            /* 0 INVALID */ {1, 0, 2, 3, 4, 2, 2, 2},
            /* 1 START   */ {1, 1, 2, 3, 4, 2, 2, 2},
            /* 2 NORMAL  */ {1, 2, 2, 2, 2, 2, 2, 2},
            /* 3 EXPLAIN */ {1, 3, 3, 2, 4, 2, 2, 2},
            /* 4 CREATE  */ {1, 4, 2, 2, 2, 4, 5, 2},
            /* 5 TRIGGER */ {6, 5, 5, 5, 5, 5, 5, 5},
            /* 6 SEMI    */ {6, 6, 5, 5, 5, 5, 5, 7},
            /* 7 END     */ {1, 7, 5, 5, 5, 5, 5, 5},
    };

    private final Reader in;
    private final char[] buffer = new char[64 * 1024];
    private int bufferPos;
    private int bufferLen;
    private static final int NONE = -2;
    private int pushedBack = NONE;
    private int afterReturn = NONE;
    private int line = 1;
    private boolean eof;
    private boolean atStart = true;
    private final Text text = new Text();

    public SqlScriptSplitter(Reader in) {
        this.in = in;
    }

    /** The 1-based line the reader is on; useful when reading itself fails. */
    public int currentLine() {
        return line;
    }

    /**
     * Returns the next statement (text from its first token through its semicolon), or null at the end.
     * Text left at the end without a closing semicolon is returned with {@code terminated == false},
     * as the sqlite3 shell also runs it.
     */
    public Statement next() throws IOException {
        text.setLength(0);
        int state = 0;
        int startLine = -1;
        while (true) {
            int c = read();
            if (c < 0) {
                return startLine < 0 ? null : new Statement(text.toString(), startLine, false);
            }
            int token;
            int tokenStart = text.length();
            int tokenLine = line;
            if (c == ';') {
                text.append(';');
                token = TK_SEMI;
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
                appendIfStarted(startLine, c);
                token = TK_WS;
            } else if (c == '-' && peek() == '-') {
                readLineComment(startLine >= 0);
                token = TK_WS;
            } else if (c == '/' && peek() == '*') {
                readBlockComment(startLine >= 0);
                token = TK_WS;
            } else if (c == '\'' || c == '"' || c == '`') {
                text.append((char) c);
                readQuoted((char) c);
                token = TK_OTHER;
            } else if (c == '[') {
                text.append('[');
                readQuoted(']');
                token = TK_OTHER;
            } else if (isIdChar(c)) {
                text.append((char) c);
                // only these states tell CREATE, TEMP, TRIGGER, END and EXPLAIN from other words
                token = readWord(state == 0 || state == 3 || state == 4 || state == 6);
            } else {
                text.append((char) c);
                token = TK_OTHER;
            }
            if (token != TK_WS && startLine < 0) {
                if (token == TK_SEMI && state == 0) {
                    // an empty statement: a lone semicolon
                    text.setLength(0);
                    continue;
                }
                startLine = tokenLine;
                if (tokenStart > 0) {
                    text.deleteFirst(tokenStart);
                }
            }
            state = TRANSITIONS[state][token];
            if (token == TK_SEMI && state == START) {
                return new Statement(text.toString(), startLine, true);
            }
        }
    }

    private void appendIfStarted(int startLine, int c) {
        if (startLine >= 0) {
            text.append((char) c);
        }
    }

    private int readWord(boolean classify) throws IOException {
        int wordStart = text.length() - 1;
        while (true) {
            if (pushedBack != NONE || afterReturn != NONE) {
                int c = peek();
                if (c < 0 || !isIdChar(c)) {
                    break;
                }
                text.append((char) read());
                continue;
            }
            if (!fill()) {
                break;
            }
            // straight from the buffer: a word holds no line end, so nothing to fold or count
            int start = bufferPos;
            int i = start;
            while (i < bufferLen && isIdChar(buffer[i])) {
                i++;
            }
            text.append(buffer, start, i - start);
            bufferPos = i;
            if (i < bufferLen) {
                break;
            }
        }
        if (!classify) {
            return TK_OTHER;
        }
        int length = text.length() - wordStart;
        if (wordIs(wordStart, length, "create")) {
            return TK_CREATE;
        }
        if (wordIs(wordStart, length, "trigger")) {
            return TK_TRIGGER;
        }
        if (wordIs(wordStart, length, "temp") || wordIs(wordStart, length, "temporary")) {
            return TK_TEMP;
        }
        if (wordIs(wordStart, length, "end")) {
            return TK_END;
        }
        if (wordIs(wordStart, length, "explain")) {
            return TK_EXPLAIN;
        }
        return TK_OTHER;
    }

    /** ASCII case-insensitive, as sqlite3_complete() compares keywords. */
    private boolean wordIs(int start, int length, String word) {
        if (length != word.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(start + i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void readQuoted(char close) throws IOException {
        while (true) {
            if (pushedBack == NONE && afterReturn == NONE) {
                if (!fill()) {
                    return;
                }
                // straight from the buffer up to the closing quote or a line end (which read() folds and counts)
                int start = bufferPos;
                int i = start;
                while (i < bufferLen) {
                    char c = buffer[i];
                    if (c == close || c == '\r' || c == '\n') {
                        break;
                    }
                    i++;
                }
                text.append(buffer, start, i - start);
                bufferPos = i;
                if (i == bufferLen) {
                    continue;
                }
            }
            int c = read();
            if (c < 0) {
                return;
            }
            text.append((char) c);
            if (c == close) {
                return;
            }
        }
    }

    private void readLineComment(boolean keep) throws IOException {
        if (keep) {
            text.append('-');
        }
        while (true) {
            int c = read();
            if (c < 0) {
                return;
            }
            if (keep) {
                text.append((char) c);
            }
            if (c == '\n') {
                return;
            }
        }
    }

    private void readBlockComment(boolean keep) throws IOException {
        read(); // the '*' after the '/'
        if (keep) {
            text.append("/*");
        }
        int previous = -1;
        while (true) {
            int c = read();
            if (c < 0) {
                return;
            }
            if (keep) {
                text.append((char) c);
            }
            if (previous == '*' && c == '/') {
                return;
            }
            previous = c;
        }
    }

    private static boolean isIdChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '$' || c >= 0x80;
    }

    private int peek() throws IOException {
        if (pushedBack == NONE) {
            pushedBack = readFolded();
        }
        return pushedBack;
    }

    private int read() throws IOException {
        int c;
        if (pushedBack != NONE) {
            c = pushedBack;
            pushedBack = NONE;
        } else {
            c = readFolded();
        }
        if (c == '\n') {
            line++;
        }
        return c;
    }

    /** Like the sqlite3 shell, which reads line by line, drops the carriage return of each CR LF line end. */
    private int readFolded() throws IOException {
        int c;
        if (afterReturn != NONE) {
            c = afterReturn;
            afterReturn = NONE;
        } else {
            c = readRaw();
        }
        if (c == '\r') {
            int following = readRaw();
            if (following == '\n') {
                return '\n';
            }
            afterReturn = following;
        }
        return c;
    }

    private int readRaw() throws IOException {
        return fill() ? buffer[bufferPos++] : -1;
    }

    /** Makes the buffer hold at least one unread char; false at the end of the input. */
    private boolean fill() throws IOException {
        while (bufferPos == bufferLen) {
            if (eof) {
                return false;
            }
            bufferLen = in.read(buffer, 0, buffer.length);
            bufferPos = 0;
            if (bufferLen <= 0) {
                eof = true;
                bufferLen = 0;
                return false;
            }
            if (atStart && buffer[0] == '\uFEFF') {
                bufferPos = 1; // a byte order mark is not part of the first statement
            }
            atStart = false;
        }
        return true;
    }

    /**
     * The statement being read, as a plain char array: appending a run of chars is one array copy, where a
     * StringBuilder checks every char to keep its compact form, and the String made at the end compacts it once.
     */
    private static final class Text {
        private char[] chars = new char[1024];
        private int length;

        void append(char c) {
            if (length == chars.length) {
                grow(1);
            }
            chars[length++] = c;
        }

        void append(char[] source, int offset, int count) {
            if (length + count > chars.length) {
                grow(count);
            }
            System.arraycopy(source, offset, chars, length, count);
            length += count;
        }

        void append(String source) {
            for (int i = 0; i < source.length(); i++) {
                append(source.charAt(i));
            }
        }

        private void grow(int needed) {
            long wanted = Math.max((long) chars.length * 2, (long) length + needed);
            chars = java.util.Arrays.copyOf(chars, (int) Math.min(wanted, Integer.MAX_VALUE - 8));
        }

        int length() {
            return length;
        }

        char charAt(int index) {
            return chars[index];
        }

        void setLength(int newLength) {
            length = newLength;
            if (newLength == 0 && chars.length > 1 << 20) {
                chars = new char[1024]; // let go of the array a huge statement needed
            }
        }

        /** Removes the first {@code count} chars. */
        void deleteFirst(int count) {
            System.arraycopy(chars, count, chars, 0, length - count);
            length -= count;
        }

        @Override
        public String toString() {
            return new String(chars, 0, length);
        }
    }
}
