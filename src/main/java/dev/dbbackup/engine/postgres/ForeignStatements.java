package dev.dbbackup.engine.postgres;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Statements that no dump (ours or stock pg_dump's) contains and that act beyond the target database when a superuser
 * runs them: COPY to or from a server file or a PROGRAM, ALTER SYSTEM, roles, DO blocks, LOAD, CALL, and SELECTs that call
 * anything but the few catalog functions dumps use. A restore refuses them unless the operator trusts the file
 * ({@code --trust-file}). This is a tripwire for files from shared storage, not a sandbox: a hostile file can still
 * define a function and use it in a column default; docs/security.md says to restore such files as the owner role.
 */
final class ForeignStatements {

    /** The functions dumps call in their SELECT statements (search path, sequences, large objects). */
    private static final Set<String> DUMP_FUNCTIONS = Set.of("set_config", "setval", "lo_create", "lo_open", "lo_close", "lowrite",
            "lo_put", "lo_unlink", "lo_from_bytea");
    private static final Pattern CALL = Pattern.compile("((?:\"(?:[^\"]|\"\")*\"|[A-Za-z_][A-Za-z0-9_$]*)(?:\\s*\\.\\s*(?:\"(?:[^\"]|\"\")*\"|[A-Za-z_][A-Za-z0-9_$]*))?)\\s*\\(");
    private static final Pattern COPY_FROM_STDIN = Pattern.compile("(?is)^COPY\\s.*\\sFROM\\s+STDIN\\s*$");

    private ForeignStatements() {
    }

    /** Why {@code sql} is not something a dump contains, or empty when it may be. */
    static Optional<String> reason(String sql) {
        List<String> words = TransactionControl.leadingWords(sql, 3);
        if (words.isEmpty()) {
            return Optional.empty();
        }
        String first = words.get(0);
        String second = words.size() > 1 ? words.get(1) : "";
        String third = words.size() > 2 ? words.get(2) : "";
        switch (first) {
            case "copy" -> {
                if (!COPY_FROM_STDIN.matcher(withoutComments(sql)).matches()) {
                    return Optional.of("COPY to or from something other than the dump's own data (a server file or a PROGRAM)");
                }
            }
            case "alter" -> {
                if (second.equals("system")) {
                    return Optional.of("ALTER SYSTEM (server configuration)");
                }
                if (isRole(second)) {
                    return Optional.of("ALTER " + second.toUpperCase(java.util.Locale.ROOT) + " (roles are not part of a database dump)");
                }
            }
            case "create", "drop" -> {
                if (isRole(second) && !third.equals("mapping")) {
                    return Optional.of(first.toUpperCase(java.util.Locale.ROOT) + " " + second.toUpperCase(java.util.Locale.ROOT)
                            + " (roles are not part of a database dump)");
                }
            }
            case "do" -> {
                if (DumpDoBlocks.isDumpBlock(withoutComments(sql))) {
                    return Optional.empty();
                }
                return Optional.of("a DO block (dumps run none but the built-in dumper's own two)");
            }
            case "load" -> {
                return Optional.of("LOAD (loads a shared library into the server)");
            }
            case "call" -> {
                return Optional.of("CALL (dumps never run procedures)");
            }
            case "select" -> {
                // Read the literals both ways ('\\' escaping or not, as standard_conforming_strings decides): a call hidden
                // from either reading is found by the other.
                for (boolean backslashEscapes : new boolean[] {false, true}) {
                    Matcher call = CALL.matcher(withoutLiterals(sql, backslashEscapes));
                    while (call.find()) {
                        String name = call.group(1).replaceAll("\\s+", "").replace("\"", "").toLowerCase(java.util.Locale.ROOT);
                        String bare = name.startsWith("pg_catalog.") ? name.substring("pg_catalog.".length()) : null;
                        if (bare == null || !DUMP_FUNCTIONS.contains(bare)) {
                            return Optional.of("a SELECT that calls " + call.group(1).strip() + "() (dumps call only pg_catalog's"
                                    + " set_config, setval and large-object functions)");
                        }
                    }
                }
            }
            default -> {
                // every other statement kind appears in dumps
            }
        }
        return Optional.empty();
    }

    private static boolean isRole(String word) {
        return word.equals("role") || word.equals("user") || word.equals("group");
    }

    /** The statement with its comments removed (nested block comments too), literals kept. */
    private static String withoutComments(String sql) {
        return sql.replaceAll("--[^\\n]*", " ").replaceAll("(?s)/\\*.*\\*/", " ").strip();
    }

    /** The statement with string literals ('…', E'…', $tag$…$tag$) emptied, so their text cannot look like a call. */
    private static String withoutLiterals(String sql, boolean backslashEscapes) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'') {
                boolean escapes = backslashEscapes || i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e');
                i++;
                while (i < n) {
                    if (escapes && sql.charAt(i) == '\\' && i + 1 < n) {
                        i += 2;
                    } else if (sql.charAt(i) == '\'' && i + 1 < n && sql.charAt(i + 1) == '\'') {
                        i += 2;
                    } else if (sql.charAt(i) == '\'') {
                        i++;
                        break;
                    } else {
                        i++;
                    }
                }
                out.append("''");
            } else if (c == '$') {
                Matcher tag = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$").matcher(sql).region(i, n);
                if (tag.lookingAt()) {
                    int end = sql.indexOf(tag.group(), tag.end());
                    i = end < 0 ? n : end + tag.group().length();
                    out.append("''");
                } else {
                    out.append(c);
                    i++;
                }
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
