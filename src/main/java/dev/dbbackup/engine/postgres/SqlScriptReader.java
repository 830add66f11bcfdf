package dev.dbbackup.engine.postgres;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a plain-SQL script into statements and psql meta-commands the way psql's lexer does: semicolons
 * inside quotes, dollar quotes, comments, parentheses and BEGIN ... END bodies of SQL functions do not end a
 * statement; backslash escapes count in E'' strings and when standard_conforming_strings is off. After a
 * COPY ... FROM stdin statement the caller reads the data lines with {@link #readCopyLine()}.
 */
final class SqlScriptReader {

    enum Type { STATEMENT, META_COMMAND }

    record Item(Type type, String text, long line) {
    }

    private final Reader reader;
    private final char[] buffer = new char[1 << 16];
    private int position;
    private int limit;
    private boolean eof;
    private long line = 1;
    private boolean standardConformingStrings = true;
    private final List<String> leadingComments = new ArrayList<>();
    private boolean anyItem;

    SqlScriptReader(Reader reader) {
        this.reader = reader;
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
        StringBuilder sb = new StringBuilder();
        int parenDepth = 0;
        int beginDepth = 0;
        int identifierCount = 0;
        char[] firstWords = new char[4];
        long startLine = -1;
        while (true) {
            int c = peek(0);
            if (c < 0) {
                String rest = sb.toString().strip();
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
                String comment = readLineComment();
                if (atStart && !anyItem) {
                    leadingComments.add(comment);
                }
                if (!atStart) {
                    sb.append(comment).append('\n');
                }
                continue;
            }
            if (c == '/' && peek(1) == '*') {
                String comment = readBlockComment();
                if (!atStart) {
                    sb.append(comment);
                }
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
                String tag = dollarTag();
                if (tag != null) {
                    readDollarQuoted(sb, tag);
                    continue;
                }
            }
            if (isIdentifierStart(c)) {
                String word = readWord();
                sb.append(word);
                // psql's heuristic: inside CREATE [OR REPLACE] FUNCTION/PROCEDURE, BEGIN ... END holds semicolons.
                String lower = word.toLowerCase();
                if (identifierCount < firstWords.length && (lower.equals("create") || lower.equals("function")
                        || lower.equals("procedure") || lower.equals("or") || lower.equals("replace"))) {
                    firstWords[identifierCount] = lower.charAt(0);
                }
                identifierCount++;
                boolean inRoutine = firstWords[0] == 'c' && (firstWords[1] == 'f' || firstWords[1] == 'p'
                        || (firstWords[1] == 'o' && firstWords[2] == 'r' && (firstWords[3] == 'f' || firstWords[3] == 'p')));
                if (inRoutine && parenDepth == 0) {
                    if (lower.equals("begin")) {
                        beginDepth++;
                    } else if (lower.equals("case")) {
                        if (beginDepth >= 1) {
                            beginDepth++;
                        }
                    } else if (lower.equals("end") && beginDepth > 0) {
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
                return item(Type.STATEMENT, sb.toString().strip(), startLine);
            }
            sb.append((char) c);
        }
    }

    /** Skips what follows a COPY ... FROM stdin; on its line: the data starts on the next line. */
    void skipRestOfLine() throws IOException {
        readToEndOfLine();
    }

    /**
     * The next line of COPY data without its line terminator, or null at the end of the script.
     * The caller stops at the line {@code \.}.
     */
    String readCopyLine() throws IOException {
        StringBuilder sb = new StringBuilder(256);
        while (true) {
            if (position >= limit && !fill()) {
                return sb.length() == 0 ? null : sb.toString();
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            sb.append(buffer, start, position - start);
            if (position < limit) {
                position++;
                line++;
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
        }
    }

    private Item item(Type type, String text, long startLine) {
        anyItem = true;
        return new Item(type, text, startLine);
    }

    private String readLineComment() throws IOException {
        return readToEndOfLine();
    }

    private String readToEndOfLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = peek(0);
            if (c < 0) {
                return sb.toString();
            }
            advance();
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
    }

    private String readBlockComment() throws IOException {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        while (true) {
            int c = peek(0);
            if (c < 0) {
                return sb.toString();
            }
            if (c == '/' && peek(1) == '*') {
                depth++;
                sb.append("/*");
                advance();
                advance();
                continue;
            }
            if (c == '*' && peek(1) == '/') {
                depth--;
                sb.append("*/");
                advance();
                advance();
                if (depth == 0) {
                    return sb.toString();
                }
                continue;
            }
            sb.append((char) c);
            advance();
        }
    }

    private void readQuoted(StringBuilder sb, char quote, boolean backslashEscapes) throws IOException {
        sb.append(quote);
        advance();
        while (true) {
            int c = peek(0);
            if (c < 0) {
                return;
            }
            advance();
            sb.append((char) c);
            if (backslashEscapes && c == '\\') {
                int n = peek(0);
                if (n >= 0) {
                    advance();
                    sb.append((char) n);
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

    /** The dollar-quote tag starting at the current '$' ("$$" or "$tag$"), or null if this is not one. */
    private String dollarTag() throws IOException {
        int i = 1;
        StringBuilder tag = new StringBuilder("$");
        while (true) {
            int c = peek(i);
            if (c == '$') {
                tag.append('$');
                return tag.toString();
            }
            boolean ok = i == 1 ? isIdentifierStart(c) : isIdentifierStart(c) || (c >= '0' && c <= '9');
            if (!ok || i > buffer.length / 2) {
                return null;
            }
            tag.append((char) c);
            i++;
        }
    }

    private void readDollarQuoted(StringBuilder sb, String tag) throws IOException {
        for (int i = 0; i < tag.length(); i++) {
            advance();
        }
        sb.append(tag);
        while (true) {
            int c = peek(0);
            if (c < 0) {
                return;
            }
            if (c == '$' && matches(tag)) {
                for (int i = 0; i < tag.length(); i++) {
                    advance();
                }
                sb.append(tag);
                return;
            }
            advance();
            sb.append((char) c);
        }
    }

    private boolean matches(String text) throws IOException {
        for (int i = 0; i < text.length(); i++) {
            if (peek(i) != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String readWord() throws IOException {
        StringBuilder w = new StringBuilder();
        while (true) {
            int c = peek(0);
            if (c >= 0 && (isIdentifierStart(c) || (c >= '0' && c <= '9') || c == '$')) {
                w.append((char) c);
                advance();
            } else {
                return w.toString();
            }
        }
    }

    private static boolean isEscapeStringPrefix(StringBuilder sb) {
        int n = sb.length();
        if (n == 0) {
            return false;
        }
        char last = sb.charAt(n - 1);
        if (last != 'e' && last != 'E') {
            return false;
        }
        return n == 1 || !isIdentifierChar(sb.charAt(n - 2));
    }

    private static boolean endsWithIdentifierChar(StringBuilder sb) {
        return sb.length() > 0 && isIdentifierChar(sb.charAt(sb.length() - 1));
    }

    private static boolean isIdentifierStart(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean isIdentifierChar(char c) {
        return isIdentifierStart(c) || (c >= '0' && c <= '9') || c == '$';
    }

    private int peek(int offset) throws IOException {
        while (position + offset >= limit) {
            if (!fill()) {
                return -1;
            }
        }
        return buffer[position + offset];
    }

    private void advance() {
        if (buffer[position] == '\n') {
            line++;
        }
        position++;
    }

    /** Reads more input, keeping unread characters; false at end of input. */
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
        int n = reader.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }
}
