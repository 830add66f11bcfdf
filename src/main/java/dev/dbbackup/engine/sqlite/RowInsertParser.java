package dev.dbbackup.engine.sqlite;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Recognises the statement a dump is mostly made of, a one-row INSERT of literal values
 * ({@code INSERT INTO "t"("a","b") VALUES(1,'x');} from our dumper, {@code INSERT INTO t VALUES(1,'x');} from
 * sqlite3 .dump), and reads its values exactly as SQLite would, so the row can be bound into a statement prepared
 * once per table instead of compiling every row. Only the literal forms the two dumpers write are read: NULL,
 * integers, decimals, 'text', x'blob', our REAL expressions {@code CAST(n AS REAL)/2^k...}, {@code CAST(x'..' AS TEXT)}
 * and {@code replace('..','\n',char(10))}. Any other statement, or any doubt, and {@link #parse} returns null so
 * the statement runs as it is. Reads text only, never the database, so it can run ahead of the load on another thread.
 */
final class RowInsertParser {

    /**
     * One row: the statement's text up to and including VALUES (the part a prepared statement keeps as written;
     * the same String for consecutive rows of one table) and its values, each null (SQL NULL), Long, Double,
     * String (text), byte[] (blob), {@link SqliteDecimal} or {@link CastText}.
     */
    record Row(String header, Object[] values) {
    }

    /**
     * A REAL literal whose value is not exactly a short binary fraction; SQLite's own decimal parser decides its
     * bits (it is not correctly rounded, so Java's may differ), see {@link RowInserter}.
     */
    record SqliteDecimal(String literal, boolean negative) {
    }

    /**
     * CAST(x'..' AS TEXT) of bytes that are valid UTF-8, decoded: that text only in a UTF-8 database (in a UTF-16
     * one the bytes are read as UTF-16), which {@link RowInserter} checks before binding it.
     */
    record CastText(String text) {
    }

    private static final Object NO_VALUE = new Object();
    private static final int MAX_EXACT_DIGITS = 18;
    private static final int MAX_POWER_OF_FIVE = 27;
    private static final long[] POWERS_OF_FIVE = new long[MAX_POWER_OF_FIVE + 1];
    private static final long[] POWERS_OF_TEN = new long[MAX_EXACT_DIGITS + 1];

    static {
        POWERS_OF_FIVE[0] = 1;
        for (int i = 1; i <= MAX_POWER_OF_FIVE; i++) {
            POWERS_OF_FIVE[i] = POWERS_OF_FIVE[i - 1] * 5;
        }
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i <= MAX_EXACT_DIGITS; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private final List<Object> values = new ArrayList<>();
    private String sql;
    private int pos;
    private int length;
    private String header;
    private boolean overflow;

    /** Reads {@code statement}; the row when it is a one-row INSERT whose every value was read, else null. */
    Row parse(String statement) {
        sql = statement;
        pos = 0;
        length = statement.length();
        values.clear();
        try {
            return parseStatement() ? new Row(header, values.toArray()) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private boolean parseStatement() {
        if (header != null && sql.startsWith(header)) {
            pos = header.length(); // the rows of one table repeat the header the previous row was read with
        } else if (parseHeader()) {
            header = sql.substring(0, pos);
        } else {
            return false;
        }
        skipSpace();
        if (peek() != '(') {
            return false;
        }
        pos++;
        while (true) {
            skipSpace();
            Object value = value();
            if (value == NO_VALUE) {
                return false;
            }
            values.add(value);
            skipSpace();
            int c = peek();
            pos++;
            if (c == ')') {
                break;
            }
            if (c != ',') {
                return false;
            }
        }
        skipSpace();
        if (peek() == ';') {
            pos++;
            skipSpace();
        }
        return pos == length;
    }

    /** INSERT INTO name [(column, ...)] VALUES, leaving the position after VALUES. */
    private boolean parseHeader() {
        if (!keyword("insert")) {
            return false;
        }
        skipSpace();
        if (!keyword("into")) {
            return false;
        }
        skipSpace();
        int nameStart = pos;
        if (!identifier()) {
            return false;
        }
        String table = unquote(nameStart, pos);
        if (table.regionMatches(true, 0, "sqlite_", 0, 7)) {
            return false; // SQLite's own tables (sqlite_schema under writable_schema...) keep their checks per statement
        }
        skipSpace();
        if (peek() == '(') {
            pos++;
            skipSpace();
            if (!identifier()) {
                return false;
            }
            skipSpace();
            while (peek() == ',') {
                pos++;
                skipSpace();
                if (!identifier()) {
                    return false;
                }
                skipSpace();
            }
            if (peek() != ')') {
                return false;
            }
            pos++;
            skipSpace();
        }
        return keyword("values");
    }

    private Object value() {
        int c = peek();
        switch (c) {
            case '\'':
                return string();
            case '-':
                pos++;
                return number(true);
            case 'x':
            case 'X':
                if (peekAt(pos + 1) == '\'') {
                    pos++;
                    return blob();
                }
                return NO_VALUE;
            case 'n':
            case 'N':
                return keyword("null") ? null : NO_VALUE;
            case 'c':
            case 'C':
                return cast();
            case 'r':
            case 'R':
                return replace();
            default:
                if ((c >= '0' && c <= '9') || c == '.') {
                    return number(false);
                }
                return NO_VALUE;
        }
    }

    /** A numeric literal, as SQLite's tokenizer cuts it: digits [. digits] [e [+-] digits]. */
    private Object number(boolean negative) {
        int start = pos;
        boolean real = false;
        long significand = 0;
        int significantDigits = 0;
        int fractionDigits = 0;
        boolean tooLong = false;
        while (pos < length && isDigit(sql.charAt(pos))) {
            int digit = sql.charAt(pos++) - '0';
            if (significantDigits > 0 || digit != 0) {
                if (++significantDigits > MAX_EXACT_DIGITS) {
                    tooLong = true;
                } else {
                    significand = significand * 10 + digit;
                }
            }
        }
        int integerEnd = pos;
        if (peek() == '.') {
            real = true;
            pos++;
            while (pos < length && isDigit(sql.charAt(pos))) {
                int digit = sql.charAt(pos++) - '0';
                fractionDigits++;
                if (significantDigits > 0 || digit != 0) {
                    if (++significantDigits > MAX_EXACT_DIGITS) {
                        tooLong = true;
                    } else {
                        significand = significand * 10 + digit;
                    }
                }
            }
            if (pos == start + 1) {
                return NO_VALUE; // a lone '.'
            }
        } else if (pos == start) {
            return NO_VALUE;
        }
        int exponent = 0;
        int c = peek();
        if (c == 'e' || c == 'E') {
            int sign = 1;
            int at = pos + 1;
            int next = peekAt(at);
            if (next == '+' || next == '-') {
                sign = next == '-' ? -1 : 1;
                at++;
            }
            if (!isDigit(peekAt(at))) {
                return NO_VALUE; // SQLite reads 1e as a malformed token
            }
            real = true;
            pos = at;
            while (pos < length && isDigit(sql.charAt(pos))) {
                exponent = Math.min(exponent * 10 + (sql.charAt(pos++) - '0'), 100_000);
            }
            exponent *= sign;
        }
        if (pos < length && isIdChar(sql.charAt(pos))) {
            return NO_VALUE; // 12abc, 0x1F, 1_000: not a plain number
        }
        if (!real) {
            int digits = start;
            while (digits < integerEnd - 1 && sql.charAt(digits) == '0') {
                digits++; // SQLite skips leading zeros too
            }
            if (integerEnd - digits <= 19) {
                long value = parseInteger(digits, integerEnd, negative);
                if (!overflow) {
                    return value;
                }
            }
            // beyond 64 bits SQLite reads the integer as a REAL, with its decimal parser
            return new SqliteDecimal(sql.substring(start, pos), negative);
        }
        if (!tooLong) {
            double exact = exactValue(significand, exponent - fractionDigits);
            if (!Double.isNaN(exact)) {
                return negative ? -exact : exact;
            }
        }
        return new SqliteDecimal(sql.substring(start, pos), negative);
    }

    /** The digits as a long, negated when {@code negative}; sets {@link #overflow} when they do not fit. */
    private long parseInteger(int start, int end, boolean negative) {
        overflow = false;
        long magnitude = 0; // accumulated negatively, so -2^63 fits
        for (int i = start; i < end; i++) {
            int digit = sql.charAt(i) - '0';
            if (magnitude < (Long.MIN_VALUE + digit) / 10) {
                overflow = true;
                return 0;
            }
            magnitude = magnitude * 10 - digit;
        }
        if (negative) {
            return magnitude;
        }
        if (magnitude == Long.MIN_VALUE) {
            overflow = true;
            return 0;
        }
        return -magnitude;
    }

    /**
     * significand * 10^exponent when that is exactly a double (then every decimal parser within half an ulp, as
     * SQLite's is, lands on it); NaN when it is not or cannot be told cheaply.
     */
    static double exactValue(long significand, int exponent) {
        if (significand == 0) {
            return 0.0;
        }
        if (exponent >= 0) {
            if (exponent > MAX_EXACT_DIGITS || significand > Long.MAX_VALUE / POWERS_OF_TEN[exponent]) {
                return Double.NaN;
            }
            long value = significand * POWERS_OF_TEN[exponent];
            return isExactDouble(value) ? (double) value : Double.NaN;
        }
        int twos = -exponent;
        if (twos > MAX_POWER_OF_FIVE || significand % POWERS_OF_FIVE[twos] != 0) {
            return Double.NaN;
        }
        long odd = significand / POWERS_OF_FIVE[twos];
        return isExactDouble(odd) ? Math.scalb((double) odd, -twos) : Double.NaN;
    }

    private static boolean isExactDouble(long value) {
        int bits = 64 - Long.numberOfLeadingZeros(value) - Long.numberOfTrailingZeros(value);
        return bits <= 53;
    }

    /** A '...' literal with '' for a quote; no NUL (SQLite stops reading there) and no raw invalid UTF-8. */
    private Object string() {
        pos++;
        StringBuilder unquoted = null;
        int segment = pos;
        for (int i = pos; i < length; i++) {
            char c = sql.charAt(i);
            if (c == '\'') {
                if (i + 1 < length && sql.charAt(i + 1) == '\'') {
                    if (unquoted == null) {
                        unquoted = new StringBuilder(i - pos + 16);
                    }
                    unquoted.append(sql, segment, i + 1);
                    segment = i + 2;
                    i++;
                    continue;
                }
                pos = i + 1;
                if (unquoted == null) {
                    return sql.substring(segment, i);
                }
                return unquoted.append(sql, segment, i).toString();
            }
            if (c == 0 || (ByteFaithfulUtf8Reader.isEscapedByte(c) && isRawByte(i))) {
                return NO_VALUE;
            }
        }
        return NO_VALUE; // unterminated
    }

    /** An x'..' literal, the position at the quote. */
    private Object blob() {
        int start = pos + 1;
        int end = sql.indexOf('\'', start);
        if (end < 0 || (end - start) % 2 != 0) {
            return NO_VALUE;
        }
        byte[] bytes = new byte[(end - start) / 2];
        for (int i = 0, at = start; i < bytes.length; i++, at += 2) {
            int high = hexValue(sql.charAt(at));
            int low = hexValue(sql.charAt(at + 1));
            if (high < 0 || low < 0) {
                return NO_VALUE;
            }
            bytes[i] = (byte) ((high << 4) | low);
        }
        pos = end + 1;
        return bytes;
    }

    /** The function name {@code name} and its opening parenthesis (then blanks); false when they are not next. */
    private boolean openCall(String name) {
        if (!keyword(name)) {
            return false;
        }
        skipSpace();
        if (peek() != '(') {
            return false;
        }
        pos++;
        skipSpace();
        return true;
    }

    /** CAST(x'..' AS TEXT), or our REAL form CAST(n AS REAL) followed by * or / integer, evaluated as SQLite does. */
    private Object cast() {
        if (!openCall("cast")) {
            return NO_VALUE;
        }
        int c = peek();
        if ((c == 'x' || c == 'X') && peekAt(pos + 1) == '\'') {
            pos++;
            Object bytes = blob();
            if (bytes == NO_VALUE || !asType("text")) {
                return NO_VALUE;
            }
            try {
                // only valid UTF-8 goes through a Java string unchanged; other bytes stay with SQLite
                return new CastText(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap((byte[]) bytes)).toString());
            } catch (CharacterCodingException e) {
                return NO_VALUE;
            }
        }
        boolean negative = false;
        if (c == '-') {
            negative = true;
            pos++;
        }
        int start = pos;
        while (pos < length && isDigit(sql.charAt(pos))) {
            pos++;
        }
        if (pos == start || pos - start > 19 || (pos < length && isIdChar(sql.charAt(pos)))) {
            return NO_VALUE;
        }
        long integer = parseInteger(start, pos, negative);
        if (overflow) {
            return NO_VALUE;
        }
        if (!asType("real")) {
            return NO_VALUE;
        }
        double value = (double) integer; // SQLite's CAST of an integer: a C (double) conversion, round to nearest
        while (true) {
            int mark = pos;
            skipSpace();
            int operator = peek();
            if (operator != '*' && operator != '/') {
                pos = mark;
                return value;
            }
            pos++;
            skipSpace();
            int operandStart = pos;
            while (pos < length && isDigit(sql.charAt(pos))) {
                pos++;
            }
            if (pos == operandStart || pos - operandStart > 19 || (pos < length && isIdChar(sql.charAt(pos)))) {
                return NO_VALUE;
            }
            long operand = parseInteger(operandStart, pos, false);
            if (overflow || operand == 0) {
                return NO_VALUE; // too large, or a division by zero (NULL in SQLite)
            }
            // REAL op INTEGER in SQLite: both as doubles, one IEEE operation, as here
            value = operator == '*' ? value * (double) operand : value / (double) operand;
        }
    }

    /** The rest of a CAST after its operand: AS type ). */
    private boolean asType(String type) {
        skipSpace();
        if (!keyword("as")) {
            return false;
        }
        skipSpace();
        if (!keyword(type)) {
            return false;
        }
        skipSpace();
        if (peek() != ')') {
            return false;
        }
        pos++;
        return true;
    }

    /** replace(text, 'pattern', char(n)), as the dumpers write text with line breaks; nested for CR and LF. */
    private Object replace() {
        if (!openCall("replace")) {
            return NO_VALUE;
        }
        int c = peek();
        Object text;
        if (c == '\'') {
            text = string();
        } else if (c == 'r' || c == 'R') {
            text = replace();
        } else {
            return NO_VALUE;
        }
        if (text == NO_VALUE || !comma() || peek() != '\'') {
            return NO_VALUE;
        }
        Object pattern = string();
        if (pattern == NO_VALUE || !comma() || !keyword("char")) {
            return NO_VALUE;
        }
        skipSpace();
        if (peek() != '(') {
            return NO_VALUE;
        }
        pos++;
        skipSpace();
        int start = pos;
        while (pos < length && isDigit(sql.charAt(pos)) && pos - start < 4) {
            pos++;
        }
        if (pos == start || (pos < length && isIdChar(sql.charAt(pos)))) {
            return NO_VALUE;
        }
        int code = Integer.parseInt(sql, start, pos, 10);
        skipSpace();
        if (code < 1 || code > 0x7f || peek() != ')') {
            return NO_VALUE;
        }
        pos++;
        skipSpace();
        if (peek() != ')') {
            return NO_VALUE;
        }
        pos++;
        String patternText = (String) pattern;
        // SQLite's replace() leaves the text as it is for an empty pattern; Java's would insert between every char
        return patternText.isEmpty() ? text : ((String) text).replace(patternText, String.valueOf((char) code));
    }

    private boolean comma() {
        skipSpace();
        if (peek() != ',') {
            return false;
        }
        pos++;
        skipSpace();
        return true;
    }

    /** A table or column name: bare, "quoted", [bracketed] or `quoted`, with no raw invalid UTF-8. */
    private boolean identifier() {
        int c = peek();
        if (c == '"' || c == '`' || c == '[') {
            char close = c == '[' ? ']' : (char) c;
            for (int i = pos + 1; i < length; i++) {
                char d = sql.charAt(i);
                if (d == close) {
                    if (close != ']' && i + 1 < length && sql.charAt(i + 1) == close) {
                        i++;
                        continue;
                    }
                    pos = i + 1;
                    return true;
                }
                if (d == 0 || isRawByte(i)) {
                    return false;
                }
            }
            return false;
        }
        if (c < 0 || isDigit(c) || c == '$' || !isIdChar(c) || isRawByte(pos)) {
            return false;
        }
        pos++;
        while (pos < length && isIdChar(sql.charAt(pos))) {
            if (isRawByte(pos)) {
                return false;
            }
            pos++;
        }
        return true;
    }

    private String unquote(int start, int end) {
        char first = sql.charAt(start);
        if (first == '"' || first == '`') {
            String quote = String.valueOf(first);
            return sql.substring(start + 1, end - 1).replace(quote + quote, quote);
        }
        if (first == '[') {
            return sql.substring(start + 1, end - 1);
        }
        return sql.substring(start, end);
    }

    /** A char the byte-faithful reader made of one byte of invalid UTF-8 (not the low half of a surrogate pair). */
    private boolean isRawByte(int index) {
        char c = sql.charAt(index);
        return ByteFaithfulUtf8Reader.isEscapedByte(c) && (index == 0 || !Character.isHighSurrogate(sql.charAt(index - 1)));
    }

    /** Matches a keyword (given in lower case) in any case, when it is not the start of a longer word. */
    private boolean keyword(String word) {
        int end = pos + word.length();
        if (end > length) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if ((sql.charAt(pos + i) | 0x20) != word.charAt(i)) { // ASCII letters only: | 0x20 lower-cases them
                return false;
            }
        }
        if (end < length && isIdChar(sql.charAt(end))) {
            return false;
        }
        pos = end;
        return true;
    }

    /** Skips blanks; comments are not skipped: a statement with one is left to SQLite. */
    private void skipSpace() {
        while (pos < length) {
            char c = sql.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
                return;
            }
            pos++;
        }
    }

    private int peek() {
        return pos < length ? sql.charAt(pos) : -1;
    }

    private int peekAt(int index) {
        return index < length ? sql.charAt(index) : -1;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** SQLite's identifier characters: letters, digits, _, $ and every non-ASCII character. */
    private static boolean isIdChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
    }
}
