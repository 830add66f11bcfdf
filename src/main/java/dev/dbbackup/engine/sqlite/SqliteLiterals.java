package dev.dbbackup.engine.sqlite;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;

/**
 * Writes SQLite values as SQL text that reads back as the same value with the same storage class,
 * both in sqlite-jdbc and in the stock sqlite3 shell.
 */
public final class SqliteLiterals {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final long TWO_POW_53 = 1L << 53;
    private static final int MAX_POWER_OF_TWO_LITERAL = 62;

    private SqliteLiterals() {
    }

    /** Double-quotes an identifier so any name (spaces, quotes, brackets, keywords, non-ASCII) is safe. */
    public static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** A single-quoted SQL string literal. */
    public static String quoteString(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * Appends an expression that evaluates to exactly {@code value}, bit for bit. SQLite's decimal parser is
     * not correctly rounded (3.40 and 3.46 both miss some 17-digit values by one unit in the last place), so a
     * decimal literal is written only where its value is exactly representable; every other value is written
     * as an integer significand scaled by powers of two, which SQLite computes without rounding.
     */
    public static void appendReal(Appendable out, double value) throws java.io.IOException {
        if (Double.isNaN(value)) {
            out.append("NULL"); // SQLite stores NaN as NULL; a REAL read back is never NaN
            return;
        }
        if (Double.isInfinite(value)) {
            out.append(value > 0 ? "1e999" : "-1e999");
            return;
        }
        if (value == 0) {
            out.append(Double.doubleToRawLongBits(value) < 0 ? "-0.0" : "0.0");
            return;
        }
        if (value == Math.rint(value) && Math.abs(value) < TWO_POW_53) {
            out.append(Long.toString((long) value)).append(".0");
            return;
        }
        long bits = Double.doubleToRawLongBits(value);
        int biasedExponent = (int) ((bits >>> 52) & 0x7ff);
        long significand = bits & ((1L << 52) - 1);
        int exponent;
        if (biasedExponent == 0) {
            exponent = -1074;
        } else {
            significand |= 1L << 52;
            exponent = biasedExponent - 1075;
        }
        int zeros = Long.numberOfTrailingZeros(significand);
        significand >>= zeros;
        exponent += zeros;
        if (exponent < 0 && exponent >= -22) {
            // value = significand / 2^k has exactly k decimals; short ones are written as that exact decimal,
            // which a parser off by less than half an ulp still lands on
            BigDecimal exact = new BigDecimal(value);
            if (exact.precision() <= 17) {
                out.append(exact.toString());
                return;
            }
        }
        if (bits < 0) {
            significand = -significand;
        }
        if (exponent >= 0 && Math.abs(value) < 0x1p63) {
            out.append("CAST(").append(Long.toString((long) value)).append(" AS REAL)");
            return;
        }
        out.append("CAST(").append(Long.toString(significand)).append(" AS REAL)");
        char operator = exponent < 0 ? '/' : '*';
        int remaining = Math.abs(exponent);
        while (remaining > 0) {
            int step = Math.min(remaining, MAX_POWER_OF_TWO_LITERAL);
            out.append(operator).append(Long.toString(1L << step));
            remaining -= step;
        }
    }

    /** Appends a BLOB literal x'...'. */
    public static void appendBlob(Appendable out, byte[] bytes) throws java.io.IOException {
        out.append("x'");
        appendHex(out, bytes);
        out.append('\'');
    }

    /**
     * Appends a TEXT value given as the raw bytes SQLite holds (in the database encoding). Valid text becomes
     * a string literal (line breaks through replace() so a row stays on one line, as sqlite3 .dump does);
     * text with NUL characters or invalid encoding becomes CAST(x'...' AS TEXT), which keeps every byte.
     */
    public static void appendText(Appendable out, byte[] raw, Charset databaseEncoding) throws java.io.IOException {
        String text = decodeStrictly(raw, databaseEncoding);
        if (text == null || text.indexOf('\0') >= 0) {
            out.append("CAST(x'");
            appendHex(out, raw);
            out.append("' AS TEXT)");
            return;
        }
        boolean hasNewline = text.indexOf('\n') >= 0;
        boolean hasReturn = text.indexOf('\r') >= 0;
        if (!hasNewline && !hasReturn) {
            appendQuoted(out, text);
            return;
        }
        if (text.contains("\\n") || text.contains("\\r")) {
            out.append("CAST(x'");
            appendHex(out, raw);
            out.append("' AS TEXT)");
            return;
        }
        String escaped = text.replace("\n", "\\n").replace("\r", "\\r");
        if (hasNewline) {
            out.append("replace(");
        }
        if (hasReturn) {
            out.append("replace(");
        }
        appendQuoted(out, escaped);
        if (hasReturn) {
            out.append(",'\\r',char(13))");
        }
        if (hasNewline) {
            out.append(",'\\n',char(10))");
        }
    }

    private static void appendQuoted(Appendable out, String text) throws java.io.IOException {
        out.append('\'');
        int from = 0;
        int quote;
        while ((quote = text.indexOf('\'', from)) >= 0) {
            out.append(text, from, quote + 1).append('\'');
            from = quote + 1;
        }
        out.append(text, from, text.length()).append('\'');
    }

    private static String decodeStrictly(byte[] raw, Charset encoding) {
        if (encoding.equals(java.nio.charset.StandardCharsets.UTF_8)) {
            boolean ascii = true;
            for (byte b : raw) {
                if (b < 0) {
                    ascii = false;
                    break;
                }
            }
            if (ascii) {
                return new String(raw, java.nio.charset.StandardCharsets.US_ASCII); // the common case, without a decoder
            }
        }
        CharsetDecoder decoder = encoding.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(raw));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static void appendHex(Appendable out, byte[] bytes) throws java.io.IOException {
        char[] chunk = new char[Math.min(bytes.length, 4096) * 2];
        int n = 0;
        for (byte b : bytes) {
            chunk[n++] = HEX[(b >> 4) & 0xf];
            chunk[n++] = HEX[b & 0xf];
            if (n == chunk.length) {
                out.append(CharBuffer.wrap(chunk, 0, n));
                n = 0;
            }
        }
        if (n > 0) {
            out.append(CharBuffer.wrap(chunk, 0, n));
        }
    }
}
