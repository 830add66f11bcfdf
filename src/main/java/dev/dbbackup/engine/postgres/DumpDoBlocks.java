package dev.dbbackup.engine.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two DO blocks the built-in dumper writes (database properties applied to current_database(), and the inherited
 * marks of a child created whole), recognised by their exact shape so that the restore's tripwire
 * ({@link ForeignStatements}) lets them through: only string literals may differ, literals may hold no backslash (so
 * standard_conforming_strings cannot change where they end), and every statement the properties block executes must be
 * one of the database-property statements a dump contains.
 */
final class DumpDoBlocks {

    /** A string literal with no backslash, read the same whatever standard_conforming_strings says. */
    private static final String LIT = "'(?:[^'\\\\]|'')*'";
    private static final String LITS = LIT + "(?:\\s*,\\s*" + LIT + ")*";
    private static final String TOKEN = "__dbbackup_current_database__";

    private static final Pattern INHERITED_MARKS = shape("""
            DO $dbbackup$ BEGIN
              IF (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER) THEN
              (?:UPDATE pg_catalog.pg_attribute SET attislocal = false WHERE attrelid = LIT::pg_catalog.regclass AND attname IN (LITS);
                UPDATE pg_catalog.pg_constraint SET conislocal = false WHERE conrelid = LIT::pg_catalog.regclass AND contype = 'n'
                  AND conkey[1] IN (SELECT a.attnum FROM pg_catalog.pg_attribute a WHERE a.attrelid = LIT::pg_catalog.regclass AND NOT a.attislocal); )?
              (?:UPDATE pg_catalog.pg_constraint SET conislocal = false WHERE conrelid = LIT::pg_catalog.regclass AND contype = 'c' AND conname IN (LITS); )?
              ELSE RAISE WARNING '%', LIT;
              END IF;
            END $dbbackup$""");

    private static final Pattern DATABASE_PROPERTIES = shape("""
            DO $dbbackup$ DECLARE statement text;
            BEGIN
              FOREACH statement IN ARRAY ARRAY[ CAPTURED ] LOOP
                statement := pg_catalog.replace(statement, '__dbbackup_current_database__', pg_catalog.quote_ident(pg_catalog.current_database()));
                BEGIN EXECUTE statement;
                EXCEPTION WHEN insufficient_privilege THEN RAISE WARNING 'not applied (%): %', SQLERRM, statement;
                END;
              END LOOP;
            END $dbbackup$""");

    private static final String IDENT = "(?:[A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"]|\"\")+\")";
    private static final String ROLE = "(?:PUBLIC|" + IDENT + ")";
    /** What a setting's value may be: literals, names and list commas (search_path), numbers. */
    private static final String VALUE = "(?:" + LIT + "|" + IDENT + "|-?[0-9.]+[A-Za-z]*)(?:\\s*,\\s*(?:" + LIT + "|" + IDENT + "|-?[0-9.]+[A-Za-z]*))*";
    private static final Pattern PROPERTY = Pattern.compile("(?s)"
            + "COMMENT ON DATABASE " + TOKEN + " IS " + LIT
            + "|(?:GRANT|REVOKE) [A-Z, ]+ ON DATABASE " + TOKEN + " (?:TO|FROM) " + ROLE + "(?: WITH GRANT OPTION)?"
            + "|ALTER DATABASE " + TOKEN + " SET " + IDENT + "(?:\\." + IDENT + ")? TO " + VALUE
            + "|ALTER ROLE " + IDENT + " IN DATABASE " + TOKEN + " SET " + IDENT + "(?:\\." + IDENT + ")? TO " + VALUE);
    private static final Pattern ONE_LITERAL = Pattern.compile(LIT);

    private DumpDoBlocks() {
    }

    /** Whether {@code sql} (one statement, with or without its semicolon) is one of the dumper's own DO blocks. */
    static boolean isDumpBlock(String sql) {
        String statement = sql.strip();
        if (statement.endsWith(";")) {
            statement = statement.substring(0, statement.length() - 1).strip();
        }
        if (INHERITED_MARKS.matcher(statement).matches()) {
            return true;
        }
        Matcher properties = DATABASE_PROPERTIES.matcher(statement);
        if (!properties.matches()) {
            return false;
        }
        for (String inner : literals(properties.group(1))) {
            if (!PROPERTY.matcher(inner).matches()) {
                return false;
            }
        }
        return true;
    }

    private static List<String> literals(String list) {
        List<String> out = new ArrayList<>();
        Matcher m = ONE_LITERAL.matcher(list);
        while (m.find()) {
            String quoted = m.group();
            out.add(quoted.substring(1, quoted.length() - 1).replace("''", "'"));
        }
        return out;
    }

    /** A pattern from a template: literal text, whitespace anywhere as any whitespace, LIT/LITS as literals, CAPTURED as
     * the one captured list of literals, (?: )? kept. */
    private static Pattern shape(String template) {
        StringBuilder regex = new StringBuilder("(?s)");
        String t = template.strip().replaceAll("\\s+", " ");
        int i = 0;
        while (i < t.length()) {
            if (t.startsWith("CAPTURED", i)) {
                regex.append("(").append(LITS).append(")");
                i += 8;
            } else if (t.startsWith("LITS", i)) {
                regex.append(LITS);
                i += 4;
            } else if (t.startsWith("LIT", i)) {
                regex.append(LIT);
                i += 3;
            } else if (t.startsWith("(?:", i)) {
                regex.append("(?:");
                i += 3;
            } else if (t.startsWith(")?", i) && i > 0 && t.charAt(i - 1) == ' ') {
                regex.append(")?");
                i += 2;
            } else if (t.charAt(i) == ' ') {
                regex.append("\\s*");
                i++;
            } else {
                regex.append(Pattern.quote(String.valueOf(t.charAt(i))));
                i++;
            }
        }
        return Pattern.compile(regex.toString());
    }
}
