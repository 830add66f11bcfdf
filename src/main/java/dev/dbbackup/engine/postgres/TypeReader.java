package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.postgres.DumpObject.Kind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads collations and user-defined types: enums, composite types (with their attributes' collations and
 * comments), domains (with their CHECK constraints, NOT VALID ones added after) and range types; base and shell
 * types are {@link BaseTypeReader}'s. It also maps array, multirange and row types to
 * the object that creates them. Special cases: the ICU locale column is colliculocale in 15 and 16 and colllocale
 * from 17, ICU rules exist from 16, multiranges from 14.
 */
final class TypeReader extends CatalogReader {

    TypeReader(CatalogContext context) {
        super(context);
    }

    void readCollations() throws EngineException {
        String locale = version >= 170000 ? "c.colllocale" : version >= 150000 ? "c.colliculocale" : "NULL::text";
        String rules = version >= 160000 ? "c.collicurules" : "NULL::text";
        q.forEach("collations", """
                SELECT c.oid, n.nspname, c.collname, pg_catalog.pg_get_userbyid(c.collowner) AS owner, c.collprovider,
                       c.collisdeterministic, c.collcollate, c.collctype, %s AS locale, %s AS rules,
                       pg_catalog.obj_description(c.oid, 'pg_collation') AS comment
                FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace
                WHERE c.collnamespace = ANY(?::oid[]) AND c.oid >= 16384""".formatted(locale, rules), rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_collation", oid)) {
                return;
            }
            String schema = rs.getString("nspname");
            String name = rs.getString("collname");
            DumpObject o = put(new DumpObject(key("pg_collation", oid), Kind.COLLATION, schema, name, rs.getString("owner")));
            String provider = switch (rs.getString("collprovider")) {
                case "i" -> "icu";
                case "b" -> "builtin";
                case "d" -> "default";
                default -> "libc";
            };
            List<String> parts = new ArrayList<>();
            parts.add("provider = " + provider);
            String loc = rs.getString("locale");
            if (!provider.equals("libc") && loc != null) {
                parts.add("locale = " + SqlText.literal(loc));
            } else {
                String collate = rs.getString("collcollate");
                String ctype = rs.getString("collctype");
                if (collate != null && collate.equals(ctype)) {
                    parts.add("locale = " + SqlText.literal(collate));
                } else {
                    parts.add("lc_collate = " + SqlText.literal(collate));
                    parts.add("lc_ctype = " + SqlText.literal(ctype));
                }
            }
            if (rs.getString("rules") != null) {
                parts.add("rules = " + SqlText.literal(rs.getString("rules")));
            }
            if (!rs.getBoolean("collisdeterministic")) {
                parts.add("deterministic = false");
            }
            String qn = SqlText.qualified(schema, name);
            o.add("CREATE COLLATION " + qn + " (" + String.join(", ", parts) + ");");
            owner(o, "COLLATION " + qn);
            comment(o, "COLLATION " + qn, rs.getString("comment"));
        }, inSchemas());
    }

    void readTypes() throws EngineException {
        // Row types of tables, array types and multiranges are created with their owner object.
        String multirange = version >= 140000
                ? "(SELECT r.rngtypid FROM pg_catalog.pg_range r WHERE r.rngmultitypid = t.oid)" : "NULL::oid";
        q.forEach("types (aliases)", """
                SELECT t.oid, t.typrelid, c.relkind,
                       (SELECT e.oid FROM pg_catalog.pg_type e WHERE e.typarray = t.oid) AS element,
                       %s AS range
                FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
                WHERE t.typnamespace = ANY(?::oid[])""".formatted(multirange), rs -> {
            long oid = rs.getLong("oid");
            long element = rs.getLong("element");
            long range = rs.getLong("range");
            long rel = rs.getLong("typrelid");
            if (element != 0) {
                alias.put(key("pg_type", oid), key("pg_type", element));
            } else if (range != 0) {
                alias.put(key("pg_type", oid), key("pg_type", range));
            } else if (rel != 0) {
                if ("c".equals(rs.getString("relkind"))) {
                    alias.put(key("pg_class", rel), key("pg_type", oid));
                } else {
                    alias.put(key("pg_type", oid), key("pg_class", rel));
                }
            }
        }, inSchemas());

        Map<Long, List<String>> enumLabels = new HashMap<>();
        q.forEach("enum labels", """
                SELECT e.enumtypid, e.enumlabel FROM pg_catalog.pg_enum e JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid
                WHERE t.typnamespace = ANY(?::oid[]) ORDER BY e.enumtypid, e.enumsortorder""",
                rs -> enumLabels.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2)), inSchemas());

        Map<Long, List<String>> compositeAttributes = new HashMap<>();
        Map<Long, List<String[]>> compositeComments = new HashMap<>();
        q.forEach("composite type attributes", """
                SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
                       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN %s END AS collation,
                       pg_catalog.col_description(a.attrelid, a.attnum) AS comment
                FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
                JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
                WHERE c.relkind = 'c' AND c.relnamespace = ANY(?::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attrelid, a.attnum""".formatted(CatalogQueries.collationName("a.attcollation")), rs -> {
            String def = SqlText.ident(rs.getString("attname")) + " " + rs.getString("type")
                    + (rs.getString("collation") != null ? " COLLATE " + rs.getString("collation") : "");
            compositeAttributes.computeIfAbsent(rs.getLong("attrelid"), k -> new ArrayList<>()).add(def);
            if (rs.getString("comment") != null) {
                compositeComments.computeIfAbsent(rs.getLong("attrelid"), k -> new ArrayList<>())
                        .add(new String[]{rs.getString("attname"), rs.getString("comment")});
            }
        }, inSchemas());

        record DomainCheck(long oid, String name, String def, boolean validated, String comment) {
        }
        Map<Long, List<DomainCheck>> domainConstraints = new HashMap<>();
        q.forEach("domain constraints", """
                SELECT co.contypid, co.conname, pg_catalog.pg_get_constraintdef(co.oid) AS def, co.convalidated,
                       pg_catalog.obj_description(co.oid, 'pg_constraint') AS comment, co.oid
                FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_type t ON t.oid = co.contypid
                WHERE co.contypid <> 0 AND co.contype = 'c' AND t.typnamespace = ANY(?::oid[])
                ORDER BY co.contypid, co.conname""", rs -> {
            boolean validated = rs.getBoolean("convalidated");
            domainConstraints.computeIfAbsent(rs.getLong("contypid"), k -> new ArrayList<>()).add(new DomainCheck(
                    rs.getLong("oid"), rs.getString("conname"), rs.getString("def"), validated, rs.getString("comment")));
            if (validated) {
                alias.put(key("pg_constraint", rs.getLong("oid")), key("pg_type", rs.getLong("contypid")));
            }
        }, inSchemas());

        String multirangeName = version >= 140000
                ? "(SELECT m.typname FROM pg_catalog.pg_type m WHERE m.oid = r.rngmultitypid)" : "NULL::name";
        q.forEach("types", """
                SELECT t.oid, n.nspname, t.typname, t.typtype, pg_catalog.pg_get_userbyid(t.typowner) AS owner,
                       t.typacl::text[] AS acl, pg_catalog.acldefault('T', t.typowner)::text[] AS defacl,
                       pg_catalog.obj_description(t.oid, 'pg_type') AS comment, t.typrelid, t.typnotnull, t.typdefault,
                       pg_catalog.format_type(t.typbasetype, t.typtypmod) AS basetype,
                       CASE WHEN t.typtype = 'd' AND t.typcollation <> bt.typcollation THEN %s END AS collation,
                       (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) AS relkind,
                       EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = t.oid) AS is_array,
                       pg_catalog.format_type(r.rngsubtype, NULL) AS subtype,
                       CASE WHEN r.rngsubopc IS NOT NULL AND r.rngsubopc <> (SELECT o.oid FROM pg_catalog.pg_opclass o
                             JOIN pg_catalog.pg_am am ON am.oid = o.opcmethod
                             WHERE am.amname = 'btree' AND o.opcdefault AND o.opcintype = r.rngsubtype LIMIT 1) THEN
                         (SELECT pg_catalog.quote_ident(on2.nspname) || '.' || pg_catalog.quote_ident(o.opcname)
                          FROM pg_catalog.pg_opclass o JOIN pg_catalog.pg_namespace on2 ON on2.oid = o.opcnamespace
                          WHERE o.oid = r.rngsubopc) END AS subopclass,
                       CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN %s END AS rangecollation,
                       NULLIF(r.rngcanonical, 0)::regproc::text AS canonical,
                       NULLIF(r.rngsubdiff, 0)::regproc::text AS subdiff,
                       %s AS multirange
                FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
                LEFT JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid
                LEFT JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype
                WHERE t.typnamespace = ANY(?::oid[])
                ORDER BY n.nspname, t.typname""".formatted(CatalogQueries.collationName("t.typcollation"),
                CatalogQueries.collationName("r.rngcollation"), multirangeName), rs -> {
            long oid = rs.getLong("oid");
            String typtype = rs.getString("typtype");
            String relkind = rs.getString("relkind");
            if (member("pg_type", oid) || rs.getBoolean("is_array") || typtype.equals("m")
                    || (rs.getLong("typrelid") != 0 && !"c".equals(relkind))) {
                return;
            }
            String schema = rs.getString("nspname");
            String name = rs.getString("typname");
            String qn = SqlText.qualified(schema, name);
            Kind kind = typtype.equals("d") ? Kind.DOMAIN : Kind.TYPE;
            DumpObject o = new DumpObject(key("pg_type", oid), kind, schema, name, rs.getString("owner"));
            switch (typtype) {
                case "e" -> {
                    List<String> labels = new ArrayList<>();
                    for (String l : enumLabels.getOrDefault(oid, List.of())) {
                        labels.add("    " + SqlText.literal(l));
                    }
                    o.add("CREATE TYPE " + qn + " AS ENUM (\n" + String.join(",\n", labels) + "\n);");
                }
                case "c" -> {
                    List<String> attrs = new ArrayList<>();
                    for (String a : compositeAttributes.getOrDefault(rs.getLong("typrelid"), List.of())) {
                        attrs.add("    " + a);
                    }
                    o.add("CREATE TYPE " + qn + " AS (\n" + String.join(",\n", attrs) + "\n);");
                }
                case "d" -> {
                    StringBuilder sb = new StringBuilder("CREATE DOMAIN " + qn + " AS " + rs.getString("basetype"));
                    if (rs.getString("collation") != null) {
                        sb.append(" COLLATE ").append(rs.getString("collation"));
                    }
                    if (rs.getString("typdefault") != null) {
                        sb.append(" DEFAULT ").append(rs.getString("typdefault"));
                    }
                    if (rs.getBoolean("typnotnull")) {
                        sb.append(" NOT NULL");
                    }
                    for (DomainCheck c : domainConstraints.getOrDefault(oid, List.of())) {
                        if (c.validated()) {
                            sb.append("\n\tCONSTRAINT ").append(SqlText.ident(c.name())).append(' ').append(c.def());
                        } else {
                            // Rows may violate a NOT VALID check: pg_dump adds it after the data, and so do we.
                            DumpObject check = put(new DumpObject(key("pg_constraint", c.oid()), Kind.CONSTRAINT, schema,
                                    name + " " + c.name(), null));
                            check.add("ALTER DOMAIN " + qn + "\n    ADD CONSTRAINT " + SqlText.ident(c.name()) + " " + c.def() + ";");
                            comment(check, "CONSTRAINT " + SqlText.ident(c.name()) + " ON DOMAIN " + qn, c.comment());
                            check.dependsOn(key("pg_type", oid));
                        }
                    }
                    o.add(sb + ";");
                }
                case "r" -> {
                    List<String> parts = new ArrayList<>();
                    parts.add("subtype = " + rs.getString("subtype"));
                    String mr = rs.getString("multirange");
                    if (mr != null && !mr.equals(defaultMultirangeName(name))) {
                        parts.add("multirange_type_name = " + SqlText.qualified(schema, mr));
                    }
                    if (rs.getString("subopclass") != null) {
                        parts.add("subtype_opclass = " + rs.getString("subopclass"));
                    }
                    if (rs.getString("rangecollation") != null) {
                        parts.add("collation = " + rs.getString("rangecollation"));
                    }
                    if (rs.getString("canonical") != null) {
                        parts.add("canonical = " + rs.getString("canonical"));
                    }
                    if (rs.getString("subdiff") != null) {
                        parts.add("subtype_diff = " + rs.getString("subdiff"));
                    }
                    o.add("CREATE TYPE " + qn + " AS RANGE (\n    " + String.join(",\n    ", parts) + "\n);");
                }
                default -> {
                    return; // base and shell types: BaseTypeReader
                }
            }
            put(o);
            String word = kind == Kind.DOMAIN ? "DOMAIN " : "TYPE ";
            owner(o, word + qn);
            comment(o, word + qn, rs.getString("comment"));
            if (typtype.equals("c")) {
                for (String[] c : compositeComments.getOrDefault(rs.getLong("typrelid"), List.of())) {
                    comment(o, "COLUMN " + qn + "." + SqlText.ident(c[0]), c[1]);
                }
            }
            for (DomainCheck c : domainConstraints.getOrDefault(oid, List.of())) {
                if (c.validated()) {
                    comment(o, "CONSTRAINT " + SqlText.ident(c.name()) + " ON DOMAIN " + qn, c.comment());
                }
            }
            acl(o, "ON TYPE " + qn, CatalogQueries.textArray(rs, "acl"), CatalogQueries.textArray(rs, "defacl"));
        }, inSchemas());
    }

    private static String defaultMultirangeName(String rangeName) {
        int at = rangeName.indexOf("range");
        if (at >= 0) {
            return rangeName.substring(0, at) + "multirange" + rangeName.substring(at + "range".length());
        }
        return rangeName + "_multirange";
    }
}
