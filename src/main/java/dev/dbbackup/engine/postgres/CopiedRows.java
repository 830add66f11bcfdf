package dev.dbbackup.engine.postgres;

import java.util.HashMap;
import java.util.Map;

/**
 * The rows the server reported for each COPY ... FROM stdin of a restore, by table ({@code schema.table}, as
 * {@link dev.dbbackup.engine.DumpResult#tableRows()} keys them). Only COPYs into a schema-qualified table are
 * kept: the others (unqualified names that depend on search_path) leave their table to be counted.
 */
final class CopiedRows {

    private final Map<String, Long> rows = new HashMap<>();

    void record(String copySql, long count) {
        String key = tableKey(copySql);
        if (key != null) {
            rows.merge(key, count, Long::sum);
        }
    }

    /** Rows copied into {@code schema.table}, or null when no qualified COPY named it. */
    Long get(String key) {
        return rows.get(key);
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /**
     * {@code schema.table} of {@code COPY schema.table [(columns)] FROM stdin}, with quoted names unquoted and
     * unquoted ones folded to lower case as the server folds them; null for anything else.
     */
    static String tableKey(String copySql) {
        String sql = copySql.strip();
        if (sql.length() < 5 || !sql.regionMatches(true, 0, "COPY", 0, 4) || !Character.isWhitespace(sql.charAt(4))) {
            return null;
        }
        int[] position = {4};
        skipSpace(sql, position);
        String schema = identifier(sql, position);
        if (schema == null || position[0] >= sql.length() || sql.charAt(position[0]) != '.') {
            return null;
        }
        position[0]++;
        String table = identifier(sql, position);
        if (table == null) {
            return null;
        }
        int end = position[0];
        if (end < sql.length() && !Character.isWhitespace(sql.charAt(end)) && sql.charAt(end) != '(') {
            return null;
        }
        return schema + "." + table;
    }

    private static void skipSpace(String sql, int[] position) {
        while (position[0] < sql.length() && Character.isWhitespace(sql.charAt(position[0]))) {
            position[0]++;
        }
    }

    private static String identifier(String sql, int[] position) {
        int p = position[0];
        if (p >= sql.length()) {
            return null;
        }
        StringBuilder name = new StringBuilder();
        if (sql.charAt(p) == '"') {
            p++;
            while (true) {
                if (p >= sql.length()) {
                    return null;
                }
                char c = sql.charAt(p);
                if (c == '"') {
                    if (p + 1 < sql.length() && sql.charAt(p + 1) == '"') {
                        name.append('"');
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                name.append(c);
                p++;
            }
            if (name.length() == 0) {
                return null;
            }
        } else {
            while (p < sql.length()) {
                char c = sql.charAt(p);
                boolean letter = (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
                if (c >= 'A' && c <= 'Z') {
                    name.append((char) (c + ('a' - 'A')));
                } else if (letter || (name.length() > 0 && ((c >= '0' && c <= '9') || c == '$'))) {
                    name.append(c);
                } else {
                    break;
                }
                p++;
            }
            if (name.length() == 0) {
                return null;
            }
        }
        position[0] = p;
        return name.toString();
    }
}
