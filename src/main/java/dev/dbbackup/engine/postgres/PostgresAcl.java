package dev.dbbackup.engine.postgres;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns an ACL (aclitem[] as text) into the GRANT/REVOKE statements that produce it from the
 * object's default ACL, the way pg_dump does: revoke what the default has and the ACL lacks, grant the rest.
 */
final class PostgresAcl {

    private static final Map<Character, String> PRIVILEGES = new LinkedHashMap<>();

    static {
        PRIVILEGES.put('a', "INSERT");
        PRIVILEGES.put('r', "SELECT");
        PRIVILEGES.put('w', "UPDATE");
        PRIVILEGES.put('d', "DELETE");
        PRIVILEGES.put('D', "TRUNCATE");
        PRIVILEGES.put('x', "REFERENCES");
        PRIVILEGES.put('t', "TRIGGER");
        PRIVILEGES.put('X', "EXECUTE");
        PRIVILEGES.put('U', "USAGE");
        PRIVILEGES.put('C', "CREATE");
        PRIVILEGES.put('c', "CONNECT");
        PRIVILEGES.put('T', "TEMPORARY");
        PRIVILEGES.put('m', "MAINTAIN");
        PRIVILEGES.put('s', "SET");
        PRIVILEGES.put('A', "ALTER SYSTEM");
    }

    /** One aclitem: grantee ("" is PUBLIC), privileges without and with grant option. */
    record Item(String grantee, String plain, String withGrantOption) {
    }

    private PostgresAcl() {
    }

    /**
     * Statements that turn {@code defaults} into {@code acl} on an object.
     *
     * @param grantPrefix for example "GRANT %s ON TABLE s.t TO %s" is built from
     *                    {@code onClause} = "ON TABLE s.t"; column grants pass "(col)" as {@code columns}
     */
    static List<String> statements(String onClause, String columns, List<String> acl, List<String> defaults) {
        List<String> out = new ArrayList<>();
        if (acl == null) {
            return out;
        }
        Map<String, Item> current = parse(acl);
        Map<String, Item> base = parse(defaults == null ? List.of() : defaults);
        String cols = columns == null ? "" : columns;
        for (Item b : base.values()) {
            if (!Objects.equals(current.get(b.grantee()), b)) {
                out.add("REVOKE ALL" + cols + " " + onClause + " FROM " + role(b.grantee()) + ";");
            }
        }
        for (Item c : current.values()) {
            if (Objects.equals(base.get(c.grantee()), c)) {
                continue;
            }
            if (!c.plain().isEmpty()) {
                out.add("GRANT " + names(c.plain(), cols) + " " + onClause + " TO " + role(c.grantee()) + ";");
            }
            if (!c.withGrantOption().isEmpty()) {
                out.add("GRANT " + names(c.withGrantOption(), cols) + " " + onClause + " TO " + role(c.grantee())
                        + " WITH GRANT OPTION;");
            }
        }
        return out;
    }

    /** The same for ALTER DEFAULT PRIVILEGES, where the verbs read "GRANT ... ON TABLES TO". */
    /** The word ALTER DEFAULT PRIVILEGES uses for a pg_default_acl.defaclobjtype ("TABLES" for 'r'); null for others. */
    static String defaultPrivilegeObjects(String objectType) {
        return switch (objectType) {
            case "r" -> "TABLES";
            case "S" -> "SEQUENCES";
            case "f" -> "FUNCTIONS";
            case "T" -> "TYPES";
            case "n" -> "SCHEMAS";
            case "L" -> "LARGE OBJECTS";
            default -> null;
        };
    }

    static List<String> defaultPrivilegeStatements(String prefix, String objectsWord, List<String> acl, List<String> defaults) {
        List<String> out = new ArrayList<>();
        Map<String, Item> current = parse(acl == null ? List.of() : acl);
        Map<String, Item> base = parse(defaults == null ? List.of() : defaults);
        for (Item b : base.values()) {
            if (!Objects.equals(current.get(b.grantee()), b)) {
                out.add(prefix + " REVOKE ALL ON " + objectsWord + " FROM " + role(b.grantee()) + ";");
            }
        }
        for (Item c : current.values()) {
            if (Objects.equals(base.get(c.grantee()), c)) {
                continue;
            }
            if (!c.plain().isEmpty()) {
                out.add(prefix + " GRANT " + names(c.plain(), "") + " ON " + objectsWord + " TO " + role(c.grantee()) + ";");
            }
            if (!c.withGrantOption().isEmpty()) {
                out.add(prefix + " GRANT " + names(c.withGrantOption(), "") + " ON " + objectsWord + " TO "
                        + role(c.grantee()) + " WITH GRANT OPTION;");
            }
        }
        return out;
    }

    static Map<String, Item> parse(List<String> acl) {
        Map<String, Item> items = new LinkedHashMap<>();
        for (String text : acl) {
            Item item = parseItem(text);
            Item previous = items.get(item.grantee());
            if (previous != null) {
                // Grants by several grantors to one grantee: the union is what the grantee holds.
                item = new Item(item.grantee(), union(previous.plain(), item.plain()),
                        union(previous.withGrantOption(), item.withGrantOption()));
            }
            items.put(item.grantee(), item);
        }
        return items;
    }

    static Item parseItem(String text) {
        int i = 0;
        StringBuilder grantee = new StringBuilder();
        if (i < text.length() && text.charAt(i) == '"') {
            i++;
            while (i < text.length()) {
                char c = text.charAt(i++);
                if (c == '"') {
                    if (i < text.length() && text.charAt(i) == '"') {
                        grantee.append('"');
                        i++;
                    } else {
                        break;
                    }
                } else {
                    grantee.append(c);
                }
            }
        } else {
            while (i < text.length() && text.charAt(i) != '=') {
                grantee.append(text.charAt(i++));
            }
        }
        if (i >= text.length() || text.charAt(i) != '=') {
            throw new IllegalArgumentException("unreadable aclitem " + text);
        }
        i++;
        StringBuilder plain = new StringBuilder();
        StringBuilder grantable = new StringBuilder();
        while (i < text.length() && text.charAt(i) != '/') {
            char p = text.charAt(i++);
            if (i < text.length() && text.charAt(i) == '*') {
                grantable.append(p);
                i++;
            } else {
                plain.append(p);
            }
        }
        return new Item(grantee.toString(), sorted(plain.toString()), sorted(grantable.toString()));
    }

    private static String union(String a, String b) {
        StringBuilder sb = new StringBuilder(a);
        for (char c : b.toCharArray()) {
            if (sb.indexOf(String.valueOf(c)) < 0) {
                sb.append(c);
            }
        }
        return sorted(sb.toString());
    }

    private static String sorted(String letters) {
        StringBuilder sb = new StringBuilder();
        for (char c : PRIVILEGES.keySet()) {
            if (letters.indexOf(c) >= 0) {
                sb.append(c);
            }
        }
        for (char c : letters.toCharArray()) {
            if (!PRIVILEGES.containsKey(c) && sb.indexOf(String.valueOf(c)) < 0) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String names(String letters, String columns) {
        List<String> names = new ArrayList<>();
        for (char c : letters.toCharArray()) {
            String name = PRIVILEGES.get(c);
            if (name == null) {
                throw new IllegalArgumentException("unknown privilege letter '" + c + "'");
            }
            names.add(name + columns);
        }
        return String.join(",", names);
    }

    private static String role(String grantee) {
        return grantee.isEmpty() ? "PUBLIC" : SqlText.ident(grantee);
    }
}
