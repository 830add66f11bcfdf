package dev.dbbackup.engine.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * Recognises statements that start, end or split transactions the way the server's grammar reads them: keywords in any
 * case, separated by any whitespace and by comments ({@code --} to the end of the line, nested {@code /* *}{@code /}),
 * with their optional words ({@code WORK}, {@code TRANSACTION}, {@code AND [NO] CHAIN}). A restore in one transaction
 * must never run one of these that could commit part of it.
 */
final class TransactionControl {

    enum Kind {
        /** Not transaction control. */
        NONE,
        /** {@code BEGIN}, {@code START TRANSACTION}, {@code COMMIT}/{@code END} [WORK|TRANSACTION] [AND NO CHAIN]: a dump's own block. */
        BOUNDARY,
        /** {@code SAVEPOINT}, {@code RELEASE}, {@code ROLLBACK TO}: inside the restore's transaction, never commits it. */
        SUBTRANSACTION,
        /** {@code ROLLBACK}/{@code ABORT}: throws away what came before. */
        ROLLBACK,
        /** Commits or hands on the transaction in a way no dump does: COMMIT AND CHAIN, PREPARE TRANSACTION, ... PREPARED, SET SESSION CHARACTERISTICS. */
        REFUSED
    }

    private TransactionControl() {
    }

    static Kind of(String sql) {
        List<String> words = leadingWords(sql, 6);
        if (words.isEmpty()) {
            return Kind.NONE;
        }
        String first = words.get(0);
        String second = words.size() > 1 ? words.get(1) : "";
        return switch (first) {
            case "begin" -> Kind.BOUNDARY;
            case "start" -> second.equals("transaction") ? Kind.BOUNDARY : Kind.NONE;
            case "commit", "end" -> second.equals("prepared") || chains(words) ? Kind.REFUSED : Kind.BOUNDARY;
            case "rollback", "abort" -> second.equals("prepared") ? Kind.REFUSED
                    : isRollbackTo(words) ? Kind.SUBTRANSACTION : chains(words) ? Kind.REFUSED : Kind.ROLLBACK;
            case "savepoint", "release" -> Kind.SUBTRANSACTION;
            case "prepare" -> second.equals("transaction") ? Kind.REFUSED : Kind.NONE;
            case "set" -> second.equals("session") && words.size() > 2 && words.get(2).equals("characteristics") ? Kind.REFUSED : Kind.NONE;
            default -> Kind.NONE;
        };
    }

    /** {@code ROLLBACK [WORK|TRANSACTION] TO [SAVEPOINT] name}. */
    private static boolean isRollbackTo(List<String> words) {
        int i = 1;
        if (i < words.size() && (words.get(i).equals("work") || words.get(i).equals("transaction"))) {
            i++;
        }
        return i < words.size() && words.get(i).equals("to");
    }

    /** {@code ... AND CHAIN} (not {@code AND NO CHAIN}): a new transaction follows at once. */
    private static boolean chains(List<String> words) {
        int and = words.indexOf("and");
        return and > 0 && and + 1 < words.size() && words.get(and + 1).equals("chain");
    }

    /**
     * The first {@code max} bare words of a statement, lower-cased, skipping whitespace and comments; stops at anything else
     * (a quoted name, a literal, punctuation), since no transaction keyword can follow one.
     */
    static List<String> leadingWords(String sql, int max) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n && words.size() < max) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int depth = 1;
                i += 2;
                while (i < n && depth > 0) {
                    if (sql.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                }
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
                    i++;
                }
                words.add(asciiLowerCase(sql.substring(start, i)));
            } else {
                break;
            }
        }
        return words;
    }

    /** The server folds only ASCII letters of unquoted words (downcase_identifier); "İ" or "K" never make a keyword. */
    private static String asciiLowerCase(String word) {
        StringBuilder lower = new StringBuilder(word.length());
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            lower.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return lower.toString();
    }
}
