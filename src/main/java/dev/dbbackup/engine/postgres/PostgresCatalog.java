package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.postgres.DumpObject.Kind;
import dev.dbbackup.engine.postgres.Relation.Column;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the objects of one database from the catalog into {@link DumpObject}s, using the server's own
 * deparsers for every definition, and records the dependencies between them from pg_depend.
 */
final class PostgresCatalog extends CatalogReader {

    private String publicSchemaDefaultOwner;
    private final Set<Long> parentOids = new HashSet<>();
    private final List<String[]> pendingComments = new ArrayList<>();

    PostgresCatalog(Connection connection, DumpOptions options, int version) {
        super(new CatalogContext(connection, options, version));
    }

    /** The names of the schemas this dump covers. */
    List<String> schemaNames() {
        return new ArrayList<>(schemas.values());
    }

    /** Reads everything; throws when the database holds objects the built-in dumper cannot write. */
    List<DumpObject> read() throws EngineException {
        readExtensionMembers();
        readSchemas();
        readExtensions();
        readCollations();
        readTypes();
        readFunctions();
        readOperators();
        readCasts();
        readTextSearch();
        readRelations();
        readRelationExtras();
        readColumns();
        readSequences();
        readConstraints();
        buildRelationObjects();
        readIndexes();
        readTriggers();
        readRules();
        readPolicies();
        readStatisticsObjects();
        readPublications();
        if (filter.wholeDatabase()) {
            readEventTriggers();
            readLargeObjects();
        }
        readDefaultPrivileges();
        readExtensionMemberPrivileges();
        readExtensionConfiguration();
        readUnsupported();
        if (!unsupported.isEmpty()) {
            List<String> names = new ArrayList<>(unsupported);
            String shown = String.join(", ", names.subList(0, Math.min(8, names.size())))
                    + (names.size() > 8 ? " and " + (names.size() - 8) + " more" : "");
            throw new EngineException("the built-in PostgreSQL dumper cannot dump " + shown
                    + "; use --dumper pg_dump, or leave the schema out with --exclude-schema");
        }
        readDependencies();
        return new ArrayList<>(objects.values());
    }

    private void readExtensionMembers() throws EngineException {
        q.forEach("extension members", "SELECT (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = classid), objid FROM pg_catalog.pg_depend WHERE deptype = 'e'",
                rs -> extensionMembers.add(key(rs.getString(1), rs.getLong(2))));
        q.forEach("internal dependencies", """
                SELECT (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = classid), objid FROM pg_catalog.pg_depend
                WHERE deptype = 'i' AND objid >= 16384 AND classid IN ('pg_catalog.pg_proc'::regclass,
                      'pg_catalog.pg_cast'::regclass, 'pg_catalog.pg_operator'::regclass)""",
                rs -> internalMembers.add(key(rs.getString(1), rs.getLong(2))));
        q.forEach("defaults and constraints calling functions", """
                SELECT (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = classid), objid FROM pg_catalog.pg_depend
                WHERE classid IN ('pg_catalog.pg_attrdef'::regclass, 'pg_catalog.pg_constraint'::regclass)
                  AND refclassid = 'pg_catalog.pg_proc'::regclass AND refobjid >= 16384 AND deptype = 'n'""",
                rs -> callsUserFunction.add(key(rs.getString(1), rs.getLong(2))));
    }

    private void readSchemas() throws EngineException {
        publicSchemaDefaultOwner = version >= 150000 ? "pg_database_owner"
                : q.single("bootstrap superuser", "SELECT pg_catalog.pg_get_userbyid(10)");
        List<Object[]> rows = new ArrayList<>();
        q.forEach("schemas", """
                SELECT n.oid, n.nspname, pg_catalog.pg_get_userbyid(n.nspowner) AS owner, n.nspacl::text[] AS acl,
                       pg_catalog.acldefault('n', n.nspowner)::text[] AS defacl,
                       pg_catalog.obj_description(n.oid, 'pg_namespace') AS comment
                FROM pg_catalog.pg_namespace n
                WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                ORDER BY n.nspname""", rs -> {
            long oid = rs.getLong("oid");
            String name = rs.getString("nspname");
            if (member("pg_namespace", oid) || !filter.includesSchema(name)) {
                return;
            }
            schemas.put(oid, name);
            rows.add(new Object[]{oid, name, rs.getString("owner"), CatalogQueries.textArray(rs, "acl"),
                    CatalogQueries.textArray(rs, "defacl"), rs.getString("comment")});
        });
        filter.checkSchemasFound(schemas.values());
        context.schemaOids = CatalogQueries.oidArray(schemas.keySet());
        for (Object[] r : rows) {
            long oid = (Long) r[0];
            String name = (String) r[1];
            String owner = (String) r[2];
            @SuppressWarnings("unchecked") List<String> acl = (List<String>) r[3];
            @SuppressWarnings("unchecked") List<String> defAcl = (List<String>) r[4];
            String comment = (String) r[5];
            DumpObject o = put(new DumpObject(key("pg_namespace", oid), Kind.SCHEMA, null, name, owner));
            String ident = SqlText.ident(name);
            if (name.equals("public")) {
                // Every database already has a public schema; only its differences from the default are written.
                if (!owner.equals(publicSchemaDefaultOwner)) {
                    owner(o, "SCHEMA public");
                }
                if (!"standard public schema".equals(comment)) {
                    o.add("COMMENT ON SCHEMA public IS " + SqlText.literal(comment) + ";");
                }
                if (acl != null) {
                    acl(o, "ON SCHEMA public", acl, publicSchemaDefaultAcl(owner));
                }
            } else {
                o.add("CREATE SCHEMA " + ident + ";");
                owner(o, "SCHEMA " + ident);
                comment(o, "SCHEMA " + ident, comment);
                acl(o, "ON SCHEMA " + ident, acl, defAcl);
            }
        }
    }

    private List<String> publicSchemaDefaultAcl(String owner) {
        String o = SqlText.ident(publicSchemaDefaultOwner);
        if (version >= 150000) {
            return List.of("pg_database_owner=UC/pg_database_owner", "=U/pg_database_owner");
        }
        return List.of(o + "=UC/" + o, "=UC/" + o);
    }

    private void readExtensions() throws EngineException {
        q.forEach("extensions", """
                SELECT e.oid, e.extname, n.nspname, pg_catalog.obj_description(e.oid, 'pg_extension') AS comment
                FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
                WHERE e.oid >= 16384 ORDER BY e.extname""", rs -> {
            long oid = rs.getLong("oid");
            String schema = rs.getString("nspname");
            if (!schemas.containsValue(schema) && !(filter.wholeDatabase() && schema.equals("pg_catalog"))) {
                return;
            }
            String name = rs.getString("extname");
            DumpObject o = put(new DumpObject(key("pg_extension", oid), Kind.EXTENSION, null, name, null));
            o.add("CREATE EXTENSION IF NOT EXISTS " + SqlText.ident(name) + " WITH SCHEMA " + SqlText.ident(schema) + ";");
            comment(o, "EXTENSION " + SqlText.ident(name), rs.getString("comment"));
            o.dependsOn(key("pg_namespace", schemaOid(schema)));
        });
    }

    private void readCollations() throws EngineException {
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

    private void readTypes() throws EngineException {
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
                       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN
                         (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)
                          FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                          WHERE co.oid = a.attcollation) END AS collation,
                       pg_catalog.col_description(a.attrelid, a.attnum) AS comment
                FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
                JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
                WHERE c.relkind = 'c' AND c.relnamespace = ANY(?::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attrelid, a.attnum""", rs -> {
            String def = SqlText.ident(rs.getString("attname")) + " " + rs.getString("type")
                    + (rs.getString("collation") != null ? " COLLATE " + rs.getString("collation") : "");
            compositeAttributes.computeIfAbsent(rs.getLong("attrelid"), k -> new ArrayList<>()).add(def);
            if (rs.getString("comment") != null) {
                compositeComments.computeIfAbsent(rs.getLong("attrelid"), k -> new ArrayList<>())
                        .add(new String[]{rs.getString("attname"), rs.getString("comment")});
            }
        }, inSchemas());

        Map<Long, List<String[]>> domainConstraints = new HashMap<>();
        q.forEach("domain constraints", """
                SELECT co.contypid, co.conname, pg_catalog.pg_get_constraintdef(co.oid) AS def, co.convalidated,
                       pg_catalog.obj_description(co.oid, 'pg_constraint') AS comment, co.oid
                FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_type t ON t.oid = co.contypid
                WHERE co.contypid <> 0 AND co.contype = 'c' AND t.typnamespace = ANY(?::oid[])
                ORDER BY co.contypid, co.conname""", rs -> {
            domainConstraints.computeIfAbsent(rs.getLong("contypid"), k -> new ArrayList<>()).add(new String[]{
                    rs.getString("conname"), rs.getString("def"), rs.getBoolean("convalidated") ? "t" : "f",
                    rs.getString("comment")});
            alias.put(key("pg_constraint", rs.getLong("oid")), key("pg_type", rs.getLong("contypid")));
        }, inSchemas());

        String multirangeName = version >= 140000
                ? "(SELECT m.typname FROM pg_catalog.pg_type m WHERE m.oid = r.rngmultitypid)" : "NULL::name";
        q.forEach("types", """
                SELECT t.oid, n.nspname, t.typname, t.typtype, pg_catalog.pg_get_userbyid(t.typowner) AS owner,
                       t.typacl::text[] AS acl, pg_catalog.acldefault('T', t.typowner)::text[] AS defacl,
                       pg_catalog.obj_description(t.oid, 'pg_type') AS comment, t.typrelid, t.typnotnull, t.typdefault,
                       pg_catalog.format_type(t.typbasetype, t.typtypmod) AS basetype,
                       CASE WHEN t.typtype = 'd' AND t.typcollation <> bt.typcollation THEN
                         (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)
                          FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                          WHERE co.oid = t.typcollation) END AS collation,
                       (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) AS relkind,
                       EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = t.oid) AS is_array,
                       pg_catalog.format_type(r.rngsubtype, NULL) AS subtype,
                       CASE WHEN r.rngsubopc IS NOT NULL AND r.rngsubopc <> (SELECT o.oid FROM pg_catalog.pg_opclass o
                             JOIN pg_catalog.pg_am am ON am.oid = o.opcmethod
                             WHERE am.amname = 'btree' AND o.opcdefault AND o.opcintype = r.rngsubtype LIMIT 1) THEN
                         (SELECT pg_catalog.quote_ident(on2.nspname) || '.' || pg_catalog.quote_ident(o.opcname)
                          FROM pg_catalog.pg_opclass o JOIN pg_catalog.pg_namespace on2 ON on2.oid = o.opcnamespace
                          WHERE o.oid = r.rngsubopc) END AS subopclass,
                       CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN
                         (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)
                          FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                          WHERE co.oid = r.rngcollation) END AS rangecollation,
                       NULLIF(r.rngcanonical, 0)::regproc::text AS canonical,
                       NULLIF(r.rngsubdiff, 0)::regproc::text AS subdiff,
                       %s AS multirange
                FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
                LEFT JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid
                LEFT JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype
                WHERE t.typnamespace = ANY(?::oid[])
                ORDER BY n.nspname, t.typname""".formatted(multirangeName), rs -> {
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
                    List<String> later = new ArrayList<>();
                    for (String[] c : domainConstraints.getOrDefault(oid, List.of())) {
                        if (c[2].equals("t")) {
                            sb.append("\n\tCONSTRAINT ").append(SqlText.ident(c[0])).append(' ').append(c[1]);
                        } else {
                            later.add("ALTER DOMAIN " + qn + " ADD CONSTRAINT " + SqlText.ident(c[0]) + " " + c[1] + ";");
                        }
                    }
                    o.add(sb + ";");
                    later.forEach(o::add);
                }
                case "r" -> {
                    if (rs.getString("canonical") != null) {
                        unsupported.add("range type " + schema + "." + name + " (it has a canonical function)");
                        return;
                    }
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
                    if (rs.getString("subdiff") != null) {
                        parts.add("subtype_diff = " + rs.getString("subdiff"));
                    }
                    o.add("CREATE TYPE " + qn + " AS RANGE (\n    " + String.join(",\n    ", parts) + "\n);");
                }
                case "p" -> {
                    return; // shell types belong to base types, reported below
                }
                default -> {
                    unsupported.add("base type " + schema + "." + name);
                    return;
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
            for (String[] c : domainConstraints.getOrDefault(oid, List.of())) {
                comment(o, "CONSTRAINT " + SqlText.ident(c[0]) + " ON DOMAIN " + qn, c[3]);
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

    private void readFunctions() throws EngineException {
        Map<Long, String> aggregateDefinitions = new HashMap<>();
        q.forEach("aggregates", """
                SELECT a.aggfnoid::oid AS oid, a.aggkind, a.aggnumdirectargs,
                       a.aggtransfn::regproc::text AS sfunc, pg_catalog.format_type(a.aggtranstype, NULL) AS stype,
                       a.aggtransspace, NULLIF(a.aggfinalfn, 0)::regproc::text AS finalfunc, a.aggfinalextra,
                       a.aggfinalmodify, NULLIF(a.aggcombinefn, 0)::regproc::text AS combinefunc,
                       NULLIF(a.aggserialfn, 0)::regproc::text AS serialfunc,
                       NULLIF(a.aggdeserialfn, 0)::regproc::text AS deserialfunc, a.agginitval,
                       NULLIF(a.aggmtransfn, 0)::regproc::text AS msfunc, NULLIF(a.aggminvtransfn, 0)::regproc::text AS minvfunc,
                       CASE WHEN a.aggmtranstype <> 0 THEN pg_catalog.format_type(a.aggmtranstype, NULL) END AS mstype,
                       a.aggmtransspace, NULLIF(a.aggmfinalfn, 0)::regproc::text AS mfinalfunc, a.aggmfinalextra,
                       a.aggmfinalmodify, a.aggminitval,
                       CASE WHEN a.aggsortop <> 0 THEN (SELECT 'OPERATOR(' || pg_catalog.quote_ident(n.nspname) || '.' || o.oprname || ')'
                          FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
                          WHERE o.oid = a.aggsortop) END AS sortop,
                       p.proparallel
                FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid
                WHERE p.pronamespace = ANY(?::oid[])""", rs -> {
            List<String> parts = new ArrayList<>();
            parts.add("SFUNC = " + rs.getString("sfunc"));
            parts.add("STYPE = " + rs.getString("stype"));
            if (rs.getInt("aggtransspace") != 0) {
                parts.add("SSPACE = " + rs.getInt("aggtransspace"));
            }
            boolean orderedSet = !rs.getString("aggkind").equals("n");
            if (rs.getString("finalfunc") != null) {
                parts.add("FINALFUNC = " + rs.getString("finalfunc"));
                if (rs.getBoolean("aggfinalextra")) {
                    parts.add("FINALFUNC_EXTRA");
                }
                String modify = rs.getString("aggfinalmodify");
                if (!modify.equals(orderedSet ? "w" : "r")) {
                    parts.add("FINALFUNC_MODIFY = " + modifyWord(modify));
                }
            }
            if (rs.getString("combinefunc") != null) {
                parts.add("COMBINEFUNC = " + rs.getString("combinefunc"));
            }
            if (rs.getString("serialfunc") != null) {
                parts.add("SERIALFUNC = " + rs.getString("serialfunc"));
            }
            if (rs.getString("deserialfunc") != null) {
                parts.add("DESERIALFUNC = " + rs.getString("deserialfunc"));
            }
            if (rs.getString("agginitval") != null) {
                parts.add("INITCOND = " + SqlText.literal(rs.getString("agginitval")));
            }
            if (rs.getString("msfunc") != null) {
                parts.add("MSFUNC = " + rs.getString("msfunc"));
                parts.add("MINVFUNC = " + rs.getString("minvfunc"));
                parts.add("MSTYPE = " + rs.getString("mstype"));
                if (rs.getInt("aggmtransspace") != 0) {
                    parts.add("MSSPACE = " + rs.getInt("aggmtransspace"));
                }
                if (rs.getString("mfinalfunc") != null) {
                    parts.add("MFINALFUNC = " + rs.getString("mfinalfunc"));
                    if (rs.getBoolean("aggmfinalextra")) {
                        parts.add("MFINALFUNC_EXTRA");
                    }
                    String modify = rs.getString("aggmfinalmodify");
                    if (!modify.equals(orderedSet ? "w" : "r")) {
                        parts.add("MFINALFUNC_MODIFY = " + modifyWord(modify));
                    }
                }
                if (rs.getString("aggminitval") != null) {
                    parts.add("MINITCOND = " + SqlText.literal(rs.getString("aggminitval")));
                }
            }
            if (rs.getString("sortop") != null) {
                parts.add("SORTOP = " + rs.getString("sortop"));
            }
            switch (rs.getString("proparallel")) {
                case "s" -> parts.add("PARALLEL = safe");
                case "r" -> parts.add("PARALLEL = restricted");
                default -> { }
            }
            if (rs.getString("aggkind").equals("h")) {
                parts.add("HYPOTHETICAL");
            }
            aggregateDefinitions.put(rs.getLong("oid"), "(\n    " + String.join(",\n    ", parts) + "\n)");
        }, inSchemas());

        q.forEach("functions", """
                SELECT p.oid, n.nspname, p.proname, p.prokind, pg_catalog.pg_get_userbyid(p.proowner) AS owner,
                       p.proacl::text[] AS acl, pg_catalog.acldefault('f', p.proowner)::text[] AS defacl,
                       pg_catalog.obj_description(p.oid, 'pg_proc') AS comment,
                       pg_catalog.pg_get_function_identity_arguments(p.oid) AS identity,
                       CASE WHEN p.prokind = 'a' THEN pg_catalog.pg_get_function_arguments(p.oid)
                            ELSE pg_catalog.pg_get_functiondef(p.oid) END AS def
                FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                WHERE p.pronamespace = ANY(?::oid[])
                ORDER BY n.nspname, p.proname, identity""", rs -> {
            long oid = rs.getLong("oid");
            String schema = rs.getString("nspname");
            String name = rs.getString("proname");
            String kindChar = rs.getString("prokind");
            String identity = rs.getString("identity");
            String qn = SqlText.qualified(schema, name);
            if (internalMembers.contains(key("pg_proc", oid)) && !extensionMembers.contains(key("pg_proc", oid))) {
                // Created with its type (range constructors), but its privileges are its own.
                if (!options.noPrivileges()) {
                    List<String> grants = PostgresAcl.statements("ON FUNCTION " + qn + "(" + identity + ")", null,
                            CatalogQueries.textArray(rs, "acl"), CatalogQueries.textArray(rs, "defacl"));
                    if (!grants.isEmpty()) {
                        DumpObject a = put(new DumpObject("acl:" + key("pg_proc", oid), Kind.ACL, schema, name + "(" + identity + ")", null));
                        grants.forEach(a::add);
                    }
                }
                return;
            }
            if (member("pg_proc", oid)) {
                return;
            }
            Kind kind = switch (kindChar) {
                case "a" -> Kind.AGGREGATE;
                case "p" -> Kind.PROCEDURE;
                default -> Kind.FUNCTION;
            };
            DumpObject o = put(new DumpObject(key("pg_proc", oid), kind, schema, name + "(" + identity + ")", rs.getString("owner")));
            String signature;
            if (kind == Kind.AGGREGATE) {
                String args = rs.getString("def");
                signature = qn + "(" + (identity.isEmpty() ? "*" : identity) + ")";
                o.add("CREATE AGGREGATE " + qn + "(" + (args.isEmpty() ? "*" : args) + ") " + aggregateDefinitions.get(oid) + ";");
            } else {
                signature = qn + "(" + identity + ")";
                o.add(rs.getString("def").stripTrailing() + ";");
            }
            String word = kind == Kind.AGGREGATE ? "AGGREGATE " : kind == Kind.PROCEDURE ? "PROCEDURE " : "FUNCTION ";
            owner(o, word + signature);
            comment(o, word + signature, rs.getString("comment"));
            acl(o, "ON " + (kind == Kind.PROCEDURE ? "PROCEDURE " : "FUNCTION ") + qn + "(" + identity + ")",
                    CatalogQueries.textArray(rs, "acl"), CatalogQueries.textArray(rs, "defacl"));
        }, inSchemas());
    }

    private static String modifyWord(String code) {
        return switch (code) {
            case "s" -> "SHAREABLE";
            case "w" -> "READ_WRITE";
            default -> "READ_ONLY";
        };
    }

    private void readOperators() throws EngineException {
        q.forEach("operators", """
                SELECT o.oid, n.nspname, o.oprname, o.oprkind, pg_catalog.pg_get_userbyid(o.oprowner) AS owner,
                       CASE WHEN o.oprleft <> 0 THEN pg_catalog.format_type(o.oprleft, NULL) END AS lefttype,
                       CASE WHEN o.oprright <> 0 THEN pg_catalog.format_type(o.oprright, NULL) END AS righttype,
                       o.oprcode::regproc::text AS code, NULLIF(o.oprrest, 0)::regproc::text AS rest,
                       NULLIF(o.oprjoin, 0)::regproc::text AS joinfn, o.oprcanmerge, o.oprcanhash,
                       (SELECT 'OPERATOR(' || pg_catalog.quote_ident(cn.nspname) || '.' || c.oprname || ')'
                          FROM pg_catalog.pg_operator c JOIN pg_catalog.pg_namespace cn ON cn.oid = c.oprnamespace
                          WHERE c.oid = o.oprcom) AS commutator,
                       (SELECT 'OPERATOR(' || pg_catalog.quote_ident(cn.nspname) || '.' || c.oprname || ')'
                          FROM pg_catalog.pg_operator c JOIN pg_catalog.pg_namespace cn ON cn.oid = c.oprnamespace
                          WHERE c.oid = o.oprnegate) AS negator,
                       pg_catalog.obj_description(o.oid, 'pg_operator') AS comment
                FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
                WHERE o.oprnamespace = ANY(?::oid[]) AND o.oprcode <> 0
                ORDER BY n.nspname, o.oprname""", rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_operator", oid)) {
                return;
            }
            String schema = rs.getString("nspname");
            String name = rs.getString("oprname");
            String left = rs.getString("lefttype");
            String right = rs.getString("righttype");
            String qn = SqlText.ident(schema) + "." + name;
            DumpObject o = put(new DumpObject(key("pg_operator", oid), Kind.OPERATOR, schema,
                    name + "(" + left + ", " + right + ")", rs.getString("owner")));
            List<String> parts = new ArrayList<>();
            parts.add("FUNCTION = " + rs.getString("code"));
            if (left != null) {
                parts.add("LEFTARG = " + left);
            }
            if (right != null) {
                parts.add("RIGHTARG = " + right);
            }
            if (rs.getString("commutator") != null) {
                parts.add("COMMUTATOR = " + rs.getString("commutator"));
            }
            if (rs.getString("negator") != null) {
                parts.add("NEGATOR = " + rs.getString("negator"));
            }
            if (rs.getString("rest") != null) {
                parts.add("RESTRICT = " + rs.getString("rest"));
            }
            if (rs.getString("joinfn") != null) {
                parts.add("JOIN = " + rs.getString("joinfn"));
            }
            if (rs.getBoolean("oprcanmerge")) {
                parts.add("MERGES");
            }
            if (rs.getBoolean("oprcanhash")) {
                parts.add("HASHES");
            }
            o.add("CREATE OPERATOR " + qn + " (\n    " + String.join(",\n    ", parts) + "\n);");
            String signature = qn + " (" + (left == null ? "NONE" : left) + ", " + (right == null ? "NONE" : right) + ")";
            owner(o, "OPERATOR " + signature);
            comment(o, "OPERATOR " + signature, rs.getString("comment"));
        }, inSchemas());
    }

    private void readCasts() throws EngineException {
        q.forEach("casts", """
                SELECT c.oid, pg_catalog.format_type(c.castsource, NULL) AS source,
                       pg_catalog.format_type(c.casttarget, NULL) AS target, c.castcontext, c.castmethod,
                       CASE WHEN c.castfunc <> 0 THEN pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname)
                            || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' END AS func,
                       p.pronamespace, st.typnamespace AS source_schema, tt.typnamespace AS target_schema,
                       pg_catalog.obj_description(c.oid, 'pg_cast') AS comment
                FROM pg_catalog.pg_cast c
                LEFT JOIN pg_catalog.pg_proc p ON p.oid = c.castfunc
                LEFT JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                JOIN pg_catalog.pg_type st ON st.oid = c.castsource
                JOIN pg_catalog.pg_type tt ON tt.oid = c.casttarget
                WHERE c.oid >= 16384""", rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_cast", oid)) {
                return;
            }
            boolean relevant = filter.wholeDatabase() || schemas.containsKey(rs.getLong("pronamespace"))
                    || schemas.containsKey(rs.getLong("source_schema")) || schemas.containsKey(rs.getLong("target_schema"));
            if (!relevant) {
                return;
            }
            String source = rs.getString("source");
            String target = rs.getString("target");
            DumpObject o = put(new DumpObject(key("pg_cast", oid), Kind.CAST, null, source + " AS " + target, null));
            String how = switch (rs.getString("castmethod")) {
                case "b" -> "WITHOUT FUNCTION";
                case "i" -> "WITH INOUT";
                default -> "WITH FUNCTION " + rs.getString("func");
            };
            String context = switch (rs.getString("castcontext")) {
                case "a" -> " AS ASSIGNMENT";
                case "i" -> " AS IMPLICIT";
                default -> "";
            };
            o.add("CREATE CAST (" + source + " AS " + target + ") " + how + context + ";");
            comment(o, "CAST (" + source + " AS " + target + ")", rs.getString("comment"));
        });
    }

    /** Text search dictionaries (on existing templates) and configurations (on existing parsers), with their mappings. */
    private void readTextSearch() throws EngineException {
        q.forEach("text search dictionaries", """
                SELECT d.oid, n.nspname, d.dictname, pg_catalog.pg_get_userbyid(d.dictowner) AS owner,
                       pg_catalog.quote_ident(tn.nspname) || '.' || pg_catalog.quote_ident(t.tmplname) AS template,
                       d.dictinitoption, pg_catalog.obj_description(d.oid, 'pg_ts_dict') AS comment
                FROM pg_catalog.pg_ts_dict d JOIN pg_catalog.pg_namespace n ON n.oid = d.dictnamespace
                JOIN pg_catalog.pg_ts_template t ON t.oid = d.dicttemplate JOIN pg_catalog.pg_namespace tn ON tn.oid = t.tmplnamespace
                WHERE d.dictnamespace = ANY(?::oid[]) AND d.oid >= 16384 ORDER BY n.nspname, d.dictname""", rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_ts_dict", oid)) {
                return;
            }
            String schema = rs.getString("nspname");
            String name = rs.getString("dictname");
            String qn = SqlText.qualified(schema, name);
            DumpObject o = put(new DumpObject(key("pg_ts_dict", oid), Kind.TEXT_SEARCH_DICTIONARY, schema, name, rs.getString("owner")));
            String init = rs.getString("dictinitoption");
            o.add("CREATE TEXT SEARCH DICTIONARY " + qn + " (\n    TEMPLATE = " + rs.getString("template")
                    + (init != null && !init.isBlank() ? ",\n    " + init : "") + " );");
            owner(o, "TEXT SEARCH DICTIONARY " + qn);
            comment(o, "TEXT SEARCH DICTIONARY " + qn, rs.getString("comment"));
        }, inSchemas());
        Map<Long, List<String[]>> mappings = new HashMap<>();
        q.forEach("text search mappings", """
                SELECT m.mapcfg, (SELECT t.alias FROM pg_catalog.ts_token_type(c.cfgparser) AS t WHERE t.tokid = m.maptokentype) AS token,
                       m.mapdict::pg_catalog.regdictionary::text AS dictionary
                FROM pg_catalog.pg_ts_config_map m JOIN pg_catalog.pg_ts_config c ON c.oid = m.mapcfg
                WHERE c.cfgnamespace = ANY(?::oid[]) ORDER BY m.mapcfg, m.maptokentype, m.mapseqno""",
                rs -> mappings.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new String[]{rs.getString(2), rs.getString(3)}),
                inSchemas());
        q.forEach("text search configurations", """
                SELECT c.oid, n.nspname, c.cfgname, pg_catalog.pg_get_userbyid(c.cfgowner) AS owner,
                       pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(p.prsname) AS parser,
                       pg_catalog.obj_description(c.oid, 'pg_ts_config') AS comment
                FROM pg_catalog.pg_ts_config c JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace
                JOIN pg_catalog.pg_ts_parser p ON p.oid = c.cfgparser JOIN pg_catalog.pg_namespace pn ON pn.oid = p.prsnamespace
                WHERE c.cfgnamespace = ANY(?::oid[]) AND c.oid >= 16384 ORDER BY n.nspname, c.cfgname""", rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_ts_config", oid)) {
                return;
            }
            String schema = rs.getString("nspname");
            String name = rs.getString("cfgname");
            String qn = SqlText.qualified(schema, name);
            DumpObject o = put(new DumpObject(key("pg_ts_config", oid), Kind.TEXT_SEARCH_CONFIGURATION, schema, name, rs.getString("owner")));
            o.add("CREATE TEXT SEARCH CONFIGURATION " + qn + " (\n    PARSER = " + rs.getString("parser") + " );");
            Map<String, List<String>> byToken = new LinkedHashMap<>();
            for (String[] m : mappings.getOrDefault(oid, List.of())) {
                byToken.computeIfAbsent(m[0], k -> new ArrayList<>()).add(m[1]);
            }
            for (Map.Entry<String, List<String>> m : byToken.entrySet()) {
                o.add("ALTER TEXT SEARCH CONFIGURATION " + qn + "\n    ADD MAPPING FOR " + m.getKey() + " WITH " + String.join(", ", m.getValue()) + ";");
            }
            owner(o, "TEXT SEARCH CONFIGURATION " + qn);
            comment(o, "TEXT SEARCH CONFIGURATION " + qn, rs.getString("comment"));
        }, inSchemas());
    }

    private void readRelations() throws EngineException {
        q.forEach("tables, views and sequences", """
                SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence,
                       pg_catalog.pg_get_userbyid(c.relowner) AS owner, c.reloptions::text[] AS options,
                       tc.reloptions::text[] AS toastoptions, am.amname, c.relispartition,
                       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS bound,
                       CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partkey,
                       CASE WHEN c.reloftype <> 0 THEN pg_catalog.format_type(c.reloftype, NULL) END AS oftype,
                       c.reloftype, c.relreplident, c.relrowsecurity, c.relforcerowsecurity, c.relispopulated,
                       CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END AS viewdef
                FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                LEFT JOIN pg_catalog.pg_class tc ON tc.oid = c.reltoastrelid
                LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
                WHERE c.relnamespace = ANY(?::oid[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                ORDER BY n.nspname, c.relname""", rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_class", oid)) {
                return;
            }
            Relation r = new Relation();
            r.oid = oid;
            r.schema = rs.getString("nspname");
            r.name = rs.getString("relname");
            r.kind = rs.getString("relkind").charAt(0);
            if (r.kind == 'f') {
                unsupported.add("foreign table " + r.schema + "." + r.name);
                return;
            }
            r.persistence = rs.getString("relpersistence").charAt(0);
            r.owner = rs.getString("owner");
            r.options = CatalogQueries.textArray(rs, "options");
            r.toastOptions = CatalogQueries.textArray(rs, "toastoptions");
            r.accessMethod = rs.getString("amname");
            r.isPartition = rs.getBoolean("relispartition");
            r.partitionBound = rs.getString("bound");
            r.partitionKey = rs.getString("partkey");
            r.ofType = rs.getString("oftype");
            r.replicaIdentity = rs.getString("relreplident").charAt(0);
            r.rowSecurity = rs.getBoolean("relrowsecurity");
            r.forceRowSecurity = rs.getBoolean("relforcerowsecurity");
            r.populated = rs.getBoolean("relispopulated");
            r.viewDefinition = rs.getString("viewdef");
            relations.put(oid, r);
        }, inSchemas());
        q.forEach("inheritance", """
                SELECT i.inhrelid, i.inhparent FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
                WHERE c.relnamespace = ANY(?::oid[]) AND c.relkind IN ('r', 'p', 'f') ORDER BY i.inhrelid, i.inhseqno""", rs -> {
            Relation r = relations.get(rs.getLong(1));
            if (r != null) {
                r.parents.add(rs.getLong(2));
            }
        }, inSchemas());
    }

    private void readColumns() throws EngineException {
        String compression = version >= 140000 ? "a.attcompression::text" : "NULL::text";
        q.forEach("columns", """
                SELECT a.attrelid, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
                       a.attnotnull, a.attislocal, a.attinhcount, a.attidentity, a.attgenerated, d.oid AS defoid,
                       pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS defexpr,
                       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN
                         (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)
                          FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                          WHERE co.oid = a.attcollation) END AS collation,
                       a.attstorage, t.typstorage, a.attstattarget::int AS stattarget, %s AS compression,
                       a.attoptions::text[] AS options, a.attacl::text[] AS acl,
                       pg_catalog.col_description(a.attrelid, a.attnum) AS comment
                FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
                JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE c.relnamespace = ANY(?::oid[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                  AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attrelid, a.attnum""".formatted(compression), rs -> {
            Relation r = relations.get(rs.getLong("attrelid"));
            if (r == null) {
                return;
            }
            Column c = new Column();
            c.number = rs.getInt("attnum");
            c.name = rs.getString("attname");
            c.type = rs.getString("type");
            c.notNull = rs.getBoolean("attnotnull");
            c.local = rs.getBoolean("attislocal");
            c.inheritCount = rs.getInt("attinhcount");
            String identity = rs.getString("attidentity");
            c.identity = identity == null || identity.isEmpty() ? 0 : identity.charAt(0);
            String generated = rs.getString("attgenerated");
            c.generated = generated == null || generated.isEmpty() ? 0 : generated.charAt(0);
            c.defaultOid = rs.getLong("defoid");
            c.defaultExpression = rs.getString("defexpr");
            c.collation = rs.getString("collation");
            c.storage = rs.getString("attstorage").charAt(0);
            c.typeStorage = rs.getString("typstorage").charAt(0);
            int target = rs.getInt("stattarget");
            c.statisticsTarget = rs.wasNull() || target < 0 ? null : target;
            String comp = rs.getString("compression");
            c.compression = comp == null || comp.isEmpty() ? null : comp;
            c.options = CatalogQueries.textArray(rs, "options");
            c.acl = CatalogQueries.textArray(rs, "acl");
            c.comment = rs.getString("comment");
            r.columns.add(c);
            if (c.defaultOid != 0) {
                alias.put(key("pg_attrdef", c.defaultOid), key("pg_class", r.oid));
            }
        }, inSchemas());
        if (version >= 180000) {
            q.forEach("not-null constraints", """
                    SELECT co.conrelid, a.attname, co.conname FROM pg_catalog.pg_constraint co
                    JOIN pg_catalog.pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = co.conkey[1]
                    WHERE co.contype = 'n' AND co.connamespace = ANY(?::oid[])""", rs -> {
                Relation r = relations.get(rs.getLong(1));
                if (r != null) {
                    r.notNullNames.put(rs.getString(2), rs.getString(3));
                }
            }, inSchemas());
        }
    }

    private void readSequences() throws EngineException {
        q.forEach("sequences", """
                SELECT s.seqrelid, pg_catalog.format_type(s.seqtypid, NULL) AS type, s.seqstart, s.seqincrement,
                       s.seqmax, s.seqmin, s.seqcache, s.seqcycle,
                       (SELECT d.refobjid FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass
                          AND d.objid = s.seqrelid AND d.refclassid = 'pg_catalog.pg_class'::regclass
                          AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i') LIMIT 1) AS owner_table,
                       (SELECT a.attname FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_attribute a
                          ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                          WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = s.seqrelid
                          AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjsubid > 0
                          AND d.deptype IN ('a', 'i') LIMIT 1) AS owner_column,
                       (SELECT d.deptype FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass
                          AND d.objid = s.seqrelid AND d.refclassid = 'pg_catalog.pg_class'::regclass
                          AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i') LIMIT 1) AS owner_deptype
                FROM pg_catalog.pg_sequence s JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
                WHERE c.relnamespace = ANY(?::oid[])""", rs -> {
            Relation seq = relations.get(rs.getLong("seqrelid"));
            if (seq == null) {
                return;
            }
            String parameters = "START WITH " + rs.getLong("seqstart") + "\n    INCREMENT BY " + rs.getLong("seqincrement")
                    + "\n    MINVALUE " + rs.getLong("seqmin") + "\n    MAXVALUE " + rs.getLong("seqmax")
                    + "\n    CACHE " + rs.getLong("seqcache") + (rs.getBoolean("seqcycle") ? "\n    CYCLE" : "");
            long ownerTable = rs.getLong("owner_table");
            Relation table = relations.get(ownerTable);
            String deptype = rs.getString("owner_deptype");
            String qn = seq.qualified();
            if ("i".equals(deptype) && table != null) {
                // An identity sequence is created by its column's ADD GENERATED ... AS IDENTITY.
                Column col = table.column(rs.getString("owner_column"));
                seq.kind = 'I';
                seq.identitySequenceStatement = "ALTER TABLE " + table.qualified() + " ALTER COLUMN "
                        + SqlText.ident(col.name) + " ADD GENERATED " + (col.identity == 'a' ? "ALWAYS" : "BY DEFAULT")
                        + " AS IDENTITY (\n    SEQUENCE NAME " + qn + "\n    " + parameters + "\n);";
                table.identitySequenceStatement = (table.identitySequenceStatement == null ? "" : table.identitySequenceStatement + "\n")
                        + seq.identitySequenceStatement;
                table.identitySequences.add(seq);
                alias.put(key("pg_class", seq.oid), key("pg_class", table.oid));
                sequenceSet(seq, key("pg_class", table.oid));
                return;
            }
            DumpObject o = put(new DumpObject(key("pg_class", seq.oid), Kind.SEQUENCE, seq.schema, seq.name, seq.owner));
            String type = rs.getString("type");
            o.add("CREATE " + (seq.persistence == 'u' ? "UNLOGGED " : "") + "SEQUENCE " + qn
                    + (type.equals("bigint") ? "" : "\n    AS " + type) + "\n    " + parameters + ";");
            if ("a".equals(deptype) && table != null) {
                DumpObject owned = put(new DumpObject("ownedby:" + seq.oid, Kind.SEQUENCE_OWNED_BY, seq.schema, seq.name, null));
                owned.add("ALTER SEQUENCE " + qn + " OWNED BY " + table.qualified() + "."
                        + SqlText.ident(rs.getString("owner_column")) + ";");
                owned.dependsOn(o.key).dependsOn(key("pg_class", table.oid));
            }
            owner(o, "SEQUENCE " + qn);
            comment(o, "SEQUENCE " + qn, seq.comment);
            relationAcl(seq, o, "SEQUENCE");
            sequenceSet(seq, o.key);
        }, inSchemas());
    }

    private void sequenceSet(Relation seq, String dependsOn) {
        DumpObject set = put(new DumpObject("seqset:" + seq.oid, Kind.SEQUENCE_SET, seq.schema, seq.name, null));
        set.sequenceName = seq.qualified();
        set.dependsOn(dependsOn);
    }

    private void readConstraints() throws EngineException {
        for (Relation r : relations.values()) {
            parentOids.addAll(r.parents);
        }
        q.forEach("constraints", """
                SELECT co.oid, co.conrelid, co.conname, co.contype, pg_catalog.pg_get_constraintdef(co.oid) AS def,
                       co.conislocal, co.coninhcount, co.convalidated, co.conparentid, co.conindid,
                       pg_catalog.obj_description(co.oid, 'pg_constraint') AS comment
                FROM pg_catalog.pg_constraint co
                WHERE co.conrelid <> 0 AND co.connamespace = ANY(?::oid[]) AND co.contype IN ('c', 'p', 'u', 'x', 'f')
                ORDER BY co.conrelid, co.conname""", rs -> {
            Relation r = relations.get(rs.getLong("conrelid"));
            if (r == null) {
                return;
            }
            long oid = rs.getLong("oid");
            String name = rs.getString("conname");
            String type = rs.getString("contype");
            String def = rs.getString("def");
            String ck = key("pg_constraint", oid);
            String commentText = rs.getString("comment");
            if (type.equals("c")) {
                boolean inherited = !rs.getBoolean("conislocal");
                if (inherited && !r.isPartition) {
                    alias.put(ck, key("pg_class", r.oid));
                    return;
                }
                boolean hasChildren = parentOids.contains(r.oid);
                boolean separate = callsUserFunction.contains(ck) && r.kind == 'r' && !r.isPartition && !hasChildren;
                if (rs.getBoolean("convalidated") && !separate) {
                    r.inlineChecks.add("CONSTRAINT " + SqlText.ident(name) + " " + def);
                    alias.put(ck, key("pg_class", r.oid));
                    if (commentText != null) {
                        pendingComments.add(new String[]{key("pg_class", r.oid),
                                "CONSTRAINT " + SqlText.ident(name) + " ON " + r.qualified(), commentText});
                    }
                    return;
                }
            }
            if (type.equals("f") && rs.getLong("conparentid") != 0) {
                return;
            }
            Kind kind = type.equals("f") ? Kind.FK_CONSTRAINT : Kind.CONSTRAINT;
            DumpObject o = put(new DumpObject(ck, kind, r.schema, r.name + " " + name, null));
            boolean only = !(type.equals("f") && r.kind == 'p');
            o.add("ALTER TABLE " + (only ? "ONLY " : "") + r.qualified() + "\n    ADD CONSTRAINT " + SqlText.ident(name) + " " + def + ";");
            comment(o, "CONSTRAINT " + SqlText.ident(name) + " ON " + r.qualified(), commentText);
            o.dependsOn(key("pg_class", r.oid));
            if (rs.getLong("conindid") != 0 && !type.equals("f")) {
                alias.put(key("pg_class", rs.getLong("conindid")), ck);
            }
        }, inSchemas());
    }

    private void buildRelationObjects() {
        for (Relation r : relations.values()) {
            switch (r.kind) {
                case 'r', 'p' -> buildTable(r);
                case 'v', 'm' -> buildView(r);
                default -> { }
            }
        }
        for (String[] c : pendingComments) {
            DumpObject o = objects.get(c[0]);
            if (o != null) {
                comment(o, c[1], c[2]);
            }
        }
    }

    private void buildTable(Relation r) {
        String qn = r.qualified();
        String tableKey = key("pg_class", r.oid);
        DumpObject o = put(new DumpObject(tableKey, Kind.TABLE, r.schema, r.name, r.owner));
        List<String> after = new ArrayList<>();
        StringBuilder sb = new StringBuilder("CREATE ");
        if (r.persistence == 'u') {
            sb.append("UNLOGGED ");
        }
        sb.append("TABLE ").append(qn);
        List<String> elements = new ArrayList<>();
        boolean inheritanceChild = !r.isPartition && !r.parents.isEmpty();
        if (r.ofType != null) {
            sb.append(" OF ").append(r.ofType);
            for (Column c : r.columns) {
                if (c.defaultExpression != null && c.generated == 0) {
                    after.add("ALTER TABLE ONLY " + qn + " ALTER COLUMN " + SqlText.ident(c.name) + " SET DEFAULT " + c.defaultExpression + ";");
                }
                if (c.notNull && c.identity == 0) {
                    after.add("ALTER TABLE ONLY " + qn + " ALTER COLUMN " + SqlText.ident(c.name) + " SET NOT NULL;");
                }
            }
        } else {
            for (Column c : r.columns) {
                if (inheritanceChild && !c.local) {
                    inheritedColumnFixes(r, c, after);
                    continue;
                }
                StringBuilder col = new StringBuilder("    ").append(SqlText.ident(c.name)).append(' ').append(c.type);
                if (c.collation != null) {
                    col.append(" COLLATE ").append(c.collation);
                }
                if (c.generated == 's' || c.generated == 'v') {
                    col.append(" GENERATED ALWAYS AS (").append(c.defaultExpression).append(c.generated == 's' ? ") STORED" : ") VIRTUAL");
                } else if (c.defaultExpression != null && callsUserFunction.contains(key("pg_attrdef", c.defaultOid))) {
                    DumpObject d = put(new DumpObject("default:" + c.defaultOid, Kind.DEFAULT, r.schema, r.name + "." + c.name, null));
                    d.add("ALTER TABLE ONLY " + qn + " ALTER COLUMN " + SqlText.ident(c.name) + " SET DEFAULT " + c.defaultExpression + ";");
                    d.dependsOn(tableKey);
                    alias.put(key("pg_attrdef", c.defaultOid), d.key);
                } else if (c.defaultExpression != null) {
                    col.append(" DEFAULT ").append(c.defaultExpression);
                }
                if (c.notNull) {
                    String constraintName = r.notNullNames.get(c.name);
                    if (constraintName != null && !constraintName.equals(r.name + "_" + c.name + "_not_null")) {
                        col.append(" CONSTRAINT ").append(SqlText.ident(constraintName));
                    }
                    col.append(" NOT NULL");
                }
                elements.add(col.toString());
            }
            for (String check : r.inlineChecks) {
                elements.add("    " + check);
            }
            sb.append(" (\n").append(String.join(",\n", elements)).append(elements.isEmpty() ? "" : "\n").append(")");
        }
        if (inheritanceChild) {
            List<String> parents = new ArrayList<>();
            for (long p : r.parents) {
                Relation parent = relations.get(p);
                parents.add(parent == null ? "?" : parent.qualified());
                o.dependsOn(key("pg_class", p));
            }
            sb.append("\nINHERITS (").append(String.join(", ", parents)).append(")");
        }
        if (r.partitionKey != null) {
            sb.append("\nPARTITION BY ").append(r.partitionKey);
        }
        if (r.accessMethod != null && !r.accessMethod.equals("heap") && r.kind != 'p') {
            sb.append("\nUSING ").append(SqlText.ident(r.accessMethod));
        }
        List<String> with = new ArrayList<>();
        if (r.options != null) {
            with.addAll(r.options);
        }
        if (r.toastOptions != null) {
            for (String t : r.toastOptions) {
                with.add("toast." + t);
            }
        }
        if (!with.isEmpty()) {
            sb.append("\nWITH (").append(String.join(", ", with)).append(")");
        }
        o.add(sb + ";");
        o.statements.addAll(after);
        columnOptions(r, o);
        if (r.identitySequenceStatement != null) {
            o.add(r.identitySequenceStatement);
            for (Relation seq : r.identitySequences) {
                comment(o, "SEQUENCE " + seq.qualified(), seq.comment);
            }
        }
        if (r.replicaIdentity == 'f') {
            o.add("ALTER TABLE ONLY " + qn + " REPLICA IDENTITY FULL;");
        } else if (r.replicaIdentity == 'n') {
            o.add("ALTER TABLE ONLY " + qn + " REPLICA IDENTITY NOTHING;");
        }
        owner(o, "TABLE " + qn);
        relationComments(r, o, "TABLE ");
        relationAcl(r, o, "TABLE");
        for (Relation seq : r.identitySequences) {
            relationAcl(seq, o, "SEQUENCE");
        }

        if (r.isPartition && !r.parents.isEmpty()) {
            Relation parent = relations.get(r.parents.get(0));
            if (parent != null) {
                DumpObject attach = put(new DumpObject("attach:" + r.oid, Kind.TABLE_ATTACH, r.schema, r.name, null));
                attach.add("ALTER TABLE ONLY " + parent.qualified() + " ATTACH PARTITION " + qn + " " + r.partitionBound + ";");
                attach.dependsOn(tableKey).dependsOn(key("pg_class", parent.oid));
            }
        }
        if (r.rowSecurity || r.forceRowSecurity) {
            DumpObject rls = put(new DumpObject("rls:" + r.oid, Kind.ROW_SECURITY, r.schema, r.name, null));
            if (r.rowSecurity) {
                rls.add("ALTER TABLE " + qn + " ENABLE ROW LEVEL SECURITY;");
            }
            if (r.forceRowSecurity) {
                rls.add("ALTER TABLE ONLY " + qn + " FORCE ROW LEVEL SECURITY;");
            }
            rls.dependsOn(tableKey);
        }
        if (r.kind == 'r' && !filter.excludesData(r.schema, r.name)) {
            List<String> copyColumns = new ArrayList<>();
            for (Column c : r.columns) {
                if (c.generated == 0) {
                    copyColumns.add(c.name);
                }
            }
            DumpObject data = put(new DumpObject("data:" + r.oid, Kind.TABLE_DATA, r.schema, r.name, null));
            data.data = new DumpObject.TableData(r.oid, r.schema, r.name, copyColumns);
            data.dependsOn(tableKey);
        }
    }

    private void inheritedColumnFixes(Relation r, Column c, List<String> after) {
        String parentDefault = null;
        boolean parentNotNull = false;
        for (long p : r.parents) {
            Relation parent = relations.get(p);
            Column pc = parent == null ? null : parent.column(c.name);
            if (pc != null) {
                if (pc.defaultExpression != null) {
                    parentDefault = pc.defaultExpression;
                }
                parentNotNull |= pc.notNull;
            }
        }
        String col = "ALTER TABLE ONLY " + r.qualified() + " ALTER COLUMN " + SqlText.ident(c.name);
        if (c.generated == 0 && c.defaultExpression != null) {
            after.add(col + " SET DEFAULT " + c.defaultExpression + ";");
        } else if (c.generated == 0 && parentDefault != null) {
            after.add(col + " DROP DEFAULT;");
        }
        if (c.notNull && !parentNotNull) {
            after.add(col + " SET NOT NULL;");
        }
    }

    private void columnOptions(Relation r, DumpObject o) {
        String qn = r.qualified();
        for (Column c : r.columns) {
            String col = "ALTER TABLE ONLY " + qn + " ALTER COLUMN " + SqlText.ident(c.name);
            if (c.statisticsTarget != null) {
                o.add(col + " SET STATISTICS " + c.statisticsTarget + ";");
            }
            if (c.storage != c.typeStorage) {
                String storage = switch (c.storage) {
                    case 'p' -> "PLAIN";
                    case 'e' -> "EXTERNAL";
                    case 'm' -> "MAIN";
                    default -> "EXTENDED";
                };
                o.add(col + " SET STORAGE " + storage + ";");
            }
            if (c.compression != null) {
                o.add(col + " SET COMPRESSION " + (c.compression.equals("l") ? "lz4" : "pglz") + ";");
            }
            if (c.options != null && !c.options.isEmpty()) {
                o.add(col + " SET (" + String.join(", ", c.options) + ");");
            }
        }
    }

    private void relationComments(Relation r, DumpObject o, String word) {
        String qn = r.qualified();
        comment(o, word + qn, r.comment);
        for (Column c : r.columns) {
            comment(o, "COLUMN " + qn + "." + SqlText.ident(c.name), c.comment);
        }
    }

    /** Comments and ACLs of relations, read before the relation objects are built. */
    private void readRelationExtras() throws EngineException {
        q.forEach("table comments and privileges", """
                SELECT c.oid, pg_catalog.obj_description(c.oid, 'pg_class') AS comment, c.relacl::text[] AS acl,
                       pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner)::text[] AS defacl
                FROM pg_catalog.pg_class c WHERE c.relnamespace = ANY(?::oid[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'S')""", rs -> {
            Relation r = relations.get(rs.getLong("oid"));
            if (r != null) {
                r.comment = rs.getString("comment");
                r.acl = CatalogQueries.textArray(rs, "acl");
                r.defaultAcl = CatalogQueries.textArray(rs, "defacl");
            }
        }, inSchemas());
    }

    private void buildView(Relation r) {
        String qn = r.qualified();
        boolean materialized = r.kind == 'm';
        DumpObject o = put(new DumpObject(key("pg_class", r.oid), materialized ? Kind.MATERIALIZED_VIEW : Kind.VIEW,
                r.schema, r.name, r.owner));
        String definition = r.viewDefinition.strip();
        if (definition.endsWith(";")) {
            definition = definition.substring(0, definition.length() - 1);
        }
        StringBuilder sb = new StringBuilder("CREATE ").append(materialized ? "MATERIALIZED VIEW " : "VIEW ").append(qn);
        if (materialized && r.accessMethod != null && !r.accessMethod.equals("heap")) {
            sb.append(" USING ").append(SqlText.ident(r.accessMethod));
        }
        if (r.options != null && !r.options.isEmpty()) {
            sb.append(" WITH (").append(String.join(", ", r.options)).append(")");
        }
        sb.append(" AS\n").append(definition);
        if (materialized) {
            sb.append("\n  WITH NO DATA");
        }
        o.add(sb + ";");
        String word = materialized ? "MATERIALIZED VIEW " : "VIEW ";
        owner(o, word + qn);
        relationComments(r, o, word);
        relationAcl(r, o, "TABLE");
        for (Column c : r.columns) {
            if (c.defaultExpression != null) {
                DumpObject d = put(new DumpObject("default:" + c.defaultOid, Kind.DEFAULT, r.schema, r.name + "." + c.name, null));
                d.add("ALTER " + word + qn + " ALTER COLUMN " + SqlText.ident(c.name) + " SET DEFAULT " + c.defaultExpression + ";");
                d.dependsOn(o.key);
                alias.put(key("pg_attrdef", c.defaultOid), d.key);
            }
        }
        if (materialized && r.populated) {
            DumpObject refresh = put(new DumpObject("refresh:" + r.oid, Kind.REFRESH_MATERIALIZED_VIEW, r.schema, r.name, null));
            refresh.add("REFRESH MATERIALIZED VIEW " + qn + ";");
            refresh.dependsOn(o.key);
        }
    }

    private void readIndexes() throws EngineException {
        Map<DumpObject, Long> indexAttachParents = new LinkedHashMap<>();
        Map<Long, String> indexNames = new HashMap<>();
        q.forEach("indexes", """
                SELECT i.indexrelid, i.indrelid, ic.relname, pg_catalog.pg_get_indexdef(i.indexrelid) AS def,
                       i.indisclustered, i.indisreplident, ic.reloptions::text[] AS options,
                       (SELECT h.inhparent FROM pg_catalog.pg_inherits h WHERE h.inhrelid = i.indexrelid) AS parent,
                       pg_catalog.obj_description(i.indexrelid, 'pg_class') AS comment,
                       (SELECT co.oid FROM pg_catalog.pg_constraint co WHERE co.conindid = i.indexrelid
                          AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x')) AS constraint_oid,
                       i.indisvalid, t.relkind
                FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
                WHERE t.relnamespace = ANY(?::oid[]) AND t.relkind IN ('r', 'p', 'm')
                ORDER BY ic.relname""", rs -> {
            Relation table = relations.get(rs.getLong("indrelid"));
            if (table == null) {
                return;
            }
            long oid = rs.getLong("indexrelid");
            long constraintOid = rs.getLong("constraint_oid");
            String name = rs.getString("relname");
            String qn = SqlText.qualified(table.schema, name);
            String ownerKey;
            if (constraintOid != 0) {
                ownerKey = key("pg_constraint", constraintOid);
                alias.put(key("pg_class", oid), ownerKey);
                DumpObject c = objects.get(ownerKey);
                if (c != null) {
                    comment(c, "INDEX " + qn, rs.getString("comment"));
                }
            } else {
                if (!rs.getBoolean("indisvalid") && !"p".equals(rs.getString("relkind"))) {
                    return;
                }
                ownerKey = key("pg_class", oid);
                DumpObject o = put(new DumpObject(ownerKey, Kind.INDEX, table.schema, name, null));
                o.add(rs.getString("def") + ";");
                comment(o, "INDEX " + qn, rs.getString("comment"));
                o.dependsOn(key("pg_class", table.oid));
            }
            DumpObject owner = objects.get(ownerKey);
            if (owner == null) {
                return;
            }
            if (rs.getBoolean("indisclustered")) {
                owner.add("ALTER TABLE " + table.qualified() + " CLUSTER ON " + SqlText.ident(name) + ";");
            }
            if (rs.getBoolean("indisreplident")) {
                owner.add("ALTER TABLE ONLY " + table.qualified() + " REPLICA IDENTITY USING INDEX " + SqlText.ident(name) + ";");
            }
            long parent = rs.getLong("parent");
            if (parent != 0) {
                DumpObject attach = put(new DumpObject("indexattach:" + oid, Kind.INDEX_ATTACH, table.schema, name, null));
                indexAttachParents.put(attach, parent);
                attach.dependsOn(ownerKey);
            }
        }, inSchemas());
        q.forEach("index names", """
                SELECT ic.oid, n.nspname, ic.relname FROM pg_catalog.pg_class ic JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
                WHERE ic.relnamespace = ANY(?::oid[]) AND ic.relkind IN ('i', 'I')""",
                rs -> indexNames.put(rs.getLong(1), SqlText.qualified(rs.getString(2), rs.getString(3))), inSchemas());
        for (Map.Entry<DumpObject, Long> e : indexAttachParents.entrySet()) {
            DumpObject attach = e.getKey();
            String parentName = indexNames.get(e.getValue());
            if (parentName == null) {
                objects.remove(attach.key);
                continue;
            }
            attach.add("ALTER INDEX " + parentName + " ATTACH PARTITION " + SqlText.qualified(attach.schema, attach.name) + ";");
            attach.dependsOn(resolve(key("pg_class", e.getValue())));
            attach.dependsOn(resolve(key("pg_class", e.getValue())));
        }
    }

    private void readTriggers() throws EngineException {
        String notCloned = version >= 130000 ? "AND tg.tgparentid = 0" : "";
        q.forEach("triggers", """
                SELECT tg.oid, tg.tgrelid, tg.tgname, pg_catalog.pg_get_triggerdef(tg.oid) AS def, tg.tgenabled,
                       pg_catalog.obj_description(tg.oid, 'pg_trigger') AS comment, tg.tgconstraint
                FROM pg_catalog.pg_trigger tg JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
                WHERE c.relnamespace = ANY(?::oid[]) AND NOT tg.tgisinternal %s
                ORDER BY tg.tgname""".formatted(notCloned), rs -> {
            Relation table = relations.get(rs.getLong("tgrelid"));
            if (table == null) {
                return;
            }
            long oid = rs.getLong("oid");
            String name = rs.getString("tgname");
            DumpObject o = put(new DumpObject(key("pg_trigger", oid), Kind.TRIGGER, table.schema, table.name + " " + name, null));
            o.add(rs.getString("def") + ";");
            String alter = "ALTER TABLE " + table.qualified();
            switch (rs.getString("tgenabled")) {
                case "D" -> o.add(alter + " DISABLE TRIGGER " + SqlText.ident(name) + ";");
                case "R" -> o.add(alter + " ENABLE REPLICA TRIGGER " + SqlText.ident(name) + ";");
                case "A" -> o.add(alter + " ENABLE ALWAYS TRIGGER " + SqlText.ident(name) + ";");
                default -> { }
            }
            comment(o, "TRIGGER " + SqlText.ident(name) + " ON " + table.qualified(), rs.getString("comment"));
            o.dependsOn(key("pg_class", table.oid));
            if (rs.getLong("tgconstraint") != 0) {
                alias.put(key("pg_constraint", rs.getLong("tgconstraint")), o.key);
            }
        }, inSchemas());
    }

    private void readRules() throws EngineException {
        q.forEach("rules", """
                SELECT r.oid, r.ev_class, r.rulename, pg_catalog.pg_get_ruledef(r.oid) AS def, r.ev_enabled,
                       pg_catalog.obj_description(r.oid, 'pg_rewrite') AS comment
                FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
                WHERE c.relnamespace = ANY(?::oid[])
                ORDER BY r.rulename""", rs -> {
            Relation table = relations.get(rs.getLong("ev_class"));
            if (table == null) {
                return;
            }
            long oid = rs.getLong("oid");
            String name = rs.getString("rulename");
            if (name.equals("_RETURN")) {
                alias.put(key("pg_rewrite", oid), key("pg_class", table.oid));
                return;
            }
            DumpObject o = put(new DumpObject(key("pg_rewrite", oid), Kind.RULE, table.schema, table.name + " " + name, null));
            String def = rs.getString("def").strip();
            o.add(def.endsWith(";") ? def : def + ";");
            String alter = "ALTER TABLE " + table.qualified();
            switch (rs.getString("ev_enabled")) {
                case "D" -> o.add(alter + " DISABLE RULE " + SqlText.ident(name) + ";");
                case "R" -> o.add(alter + " ENABLE REPLICA RULE " + SqlText.ident(name) + ";");
                case "A" -> o.add(alter + " ENABLE ALWAYS RULE " + SqlText.ident(name) + ";");
                default -> { }
            }
            comment(o, "RULE " + SqlText.ident(name) + " ON " + table.qualified(), rs.getString("comment"));
            o.dependsOn(key("pg_class", table.oid));
        }, inSchemas());
    }

    private void readPolicies() throws EngineException {
        q.forEach("row security policies", """
                SELECT p.oid, p.polrelid, p.polname, p.polcmd, p.polpermissive,
                       ARRAY(SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(r)) END
                             FROM pg_catalog.unnest(p.polroles) AS r) AS roles,
                       pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS qual,
                       pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS withcheck,
                       pg_catalog.obj_description(p.oid, 'pg_policy') AS comment
                FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
                WHERE c.relnamespace = ANY(?::oid[])
                ORDER BY p.polname""", rs -> {
            Relation table = relations.get(rs.getLong("polrelid"));
            if (table == null) {
                return;
            }
            String name = rs.getString("polname");
            DumpObject o = put(new DumpObject(key("pg_policy", rs.getLong("oid")), Kind.POLICY, table.schema,
                    table.name + " " + name, null));
            StringBuilder sb = new StringBuilder("CREATE POLICY ").append(SqlText.ident(name)).append(" ON ").append(table.qualified());
            if (!rs.getBoolean("polpermissive")) {
                sb.append(" AS RESTRICTIVE");
            }
            String cmd = switch (rs.getString("polcmd")) {
                case "r" -> "SELECT";
                case "a" -> "INSERT";
                case "w" -> "UPDATE";
                case "d" -> "DELETE";
                default -> "ALL";
            };
            sb.append(" FOR ").append(cmd);
            List<String> roles = CatalogQueries.textArray(rs, "roles");
            if (roles != null && !roles.isEmpty()) {
                sb.append(" TO ").append(String.join(", ", roles));
            }
            if (rs.getString("qual") != null) {
                sb.append(" USING (").append(rs.getString("qual")).append(")");
            }
            if (rs.getString("withcheck") != null) {
                sb.append(" WITH CHECK (").append(rs.getString("withcheck")).append(")");
            }
            o.add(sb + ";");
            comment(o, "POLICY " + SqlText.ident(name) + " ON " + table.qualified(), rs.getString("comment"));
            o.dependsOn(key("pg_class", table.oid));
        }, inSchemas());
    }

    private void readStatisticsObjects() throws EngineException {
        q.forEach("extended statistics", """
                SELECT s.oid, n.nspname, s.stxname, pg_catalog.pg_get_userbyid(s.stxowner) AS owner,
                       pg_catalog.pg_get_statisticsobjdef(s.oid) AS def, %s AS target,
                       pg_catalog.obj_description(s.oid, 'pg_statistic_ext') AS comment
                FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace
                WHERE s.stxnamespace = ANY(?::oid[])
                ORDER BY s.stxname""".formatted(version >= 130000 ? "s.stxstattarget::int" : "NULL::int"), rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_statistic_ext", oid)) {
                return;
            }
            String qn = SqlText.qualified(rs.getString("nspname"), rs.getString("stxname"));
            DumpObject o = put(new DumpObject(key("pg_statistic_ext", oid), Kind.STATISTICS, rs.getString("nspname"),
                    rs.getString("stxname"), rs.getString("owner")));
            o.add(rs.getString("def") + ";");
            int target = rs.getInt("target");
            if (!rs.wasNull() && target >= 0) {
                o.add("ALTER STATISTICS " + qn + " SET STATISTICS " + target + ";");
            }
            owner(o, "STATISTICS " + qn);
            comment(o, "STATISTICS " + qn, rs.getString("comment"));
        }, inSchemas());
    }

    private void readPublications() throws EngineException {
        String viaRoot = version >= 130000 ? "p.pubviaroot" : "false";
        q.forEach("publications", """
                SELECT p.oid, p.pubname, pg_catalog.pg_get_userbyid(p.pubowner) AS owner, p.puballtables,
                       p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate, %s AS viaroot,
                       pg_catalog.obj_description(p.oid, 'pg_publication') AS comment
                FROM pg_catalog.pg_publication p ORDER BY p.pubname""".formatted(viaRoot), rs -> {
            if (!filter.wholeDatabase() && rs.getBoolean("puballtables")) {
                return;
            }
            String name = rs.getString("pubname");
            DumpObject o = put(new DumpObject(key("pg_publication", rs.getLong("oid")), Kind.PUBLICATION, null, name,
                    rs.getString("owner")));
            List<String> publish = new ArrayList<>();
            for (String a : List.of("insert", "update", "delete", "truncate")) {
                if (rs.getBoolean("pub" + a)) {
                    publish.add(a);
                }
            }
            String with = "publish = " + SqlText.literal(String.join(", ", publish))
                    + (rs.getBoolean("viaroot") ? ", publish_via_partition_root = true" : "");
            o.add("CREATE PUBLICATION " + SqlText.ident(name) + (rs.getBoolean("puballtables") ? " FOR ALL TABLES" : "")
                    + " WITH (" + with + ");");
            owner(o, "PUBLICATION " + SqlText.ident(name));
            comment(o, "PUBLICATION " + SqlText.ident(name), rs.getString("comment"));
        });
        String extras = version >= 150000
                ? "pg_catalog.pg_get_expr(pr.prqual, pr.prrelid) AS qual, "
                  + "(SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_catalog.pg_attribute a "
                  + "WHERE a.attrelid = pr.prrelid AND a.attnum = ANY(pr.prattrs)) AS columns"
                : "NULL::text AS qual, NULL::text AS columns";
        q.forEach("publication tables", """
                SELECT pr.oid, pr.prpubid, pr.prrelid, p.pubname, %s
                FROM pg_catalog.pg_publication_rel pr JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid""".formatted(extras), rs -> {
            Relation table = relations.get(rs.getLong("prrelid"));
            DumpObject pub = objects.get(key("pg_publication", rs.getLong("prpubid")));
            if (table == null || pub == null) {
                return;
            }
            DumpObject o = put(new DumpObject(key("pg_publication_rel", rs.getLong("oid")), Kind.PUBLICATION_TABLE, table.schema,
                    rs.getString("pubname") + " " + table.name, null));
            String columns = rs.getString("columns");
            String qual = rs.getString("qual");
            o.add("ALTER PUBLICATION " + SqlText.ident(rs.getString("pubname")) + " ADD TABLE ONLY " + table.qualified()
                    + (columns != null ? " (" + columns + ")" : "") + (qual != null ? " WHERE (" + qual + ")" : "") + ";");
            o.dependsOn(pub.key).dependsOn(key("pg_class", table.oid));
        });
        if (version >= 150000) {
            q.forEach("publication schemas", """
                    SELECT pn.oid, pn.pnpubid, pn.pnnspid, p.pubname FROM pg_catalog.pg_publication_namespace pn
                    JOIN pg_catalog.pg_publication p ON p.oid = pn.pnpubid""", rs -> {
                String schema = schemas.get(rs.getLong("pnnspid"));
                DumpObject pub = objects.get(key("pg_publication", rs.getLong("pnpubid")));
                if (schema == null || pub == null) {
                    return;
                }
                DumpObject o = put(new DumpObject(key("pg_publication_namespace", rs.getLong("oid")), Kind.PUBLICATION_TABLE,
                        schema, rs.getString("pubname"), null));
                o.add("ALTER PUBLICATION " + SqlText.ident(rs.getString("pubname")) + " ADD TABLES IN SCHEMA " + SqlText.ident(schema) + ";");
                o.dependsOn(pub.key).dependsOn(key("pg_namespace", rs.getLong("pnnspid")));
            });
        }
    }

    private void readEventTriggers() throws EngineException {
        q.forEach("event triggers", """
                SELECT e.oid, e.evtname, e.evtevent, pg_catalog.pg_get_userbyid(e.evtowner) AS owner,
                       e.evtfoid::regproc::text AS func, e.evtenabled, e.evttags,
                       pg_catalog.obj_description(e.oid, 'pg_event_trigger') AS comment
                FROM pg_catalog.pg_event_trigger e ORDER BY e.evtname""", rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_event_trigger", oid)) {
                return;
            }
            String name = SqlText.ident(rs.getString("evtname"));
            DumpObject o = put(new DumpObject(key("pg_event_trigger", oid), Kind.EVENT_TRIGGER, null, rs.getString("evtname"),
                    rs.getString("owner")));
            StringBuilder sb = new StringBuilder("CREATE EVENT TRIGGER ").append(name).append(" ON ").append(rs.getString("evtevent"));
            List<String> tags = CatalogQueries.textArray(rs, "evttags");
            if (tags != null && !tags.isEmpty()) {
                List<String> quoted = new ArrayList<>();
                tags.forEach(t -> quoted.add(SqlText.literal(t)));
                sb.append("\n         WHEN TAG IN (").append(String.join(", ", quoted)).append(")");
            }
            sb.append("\n   EXECUTE FUNCTION ").append(rs.getString("func")).append("();");
            o.add(sb.toString());
            switch (rs.getString("evtenabled")) {
                case "D" -> o.add("ALTER EVENT TRIGGER " + name + " DISABLE;");
                case "R" -> o.add("ALTER EVENT TRIGGER " + name + " ENABLE REPLICA;");
                case "A" -> o.add("ALTER EVENT TRIGGER " + name + " ENABLE ALWAYS;");
                default -> { }
            }
            owner(o, "EVENT TRIGGER " + name);
            comment(o, "EVENT TRIGGER " + name, rs.getString("comment"));
        });
    }

    private void readLargeObjects() throws EngineException {
        q.forEach("large objects", """
                SELECT m.oid, pg_catalog.pg_get_userbyid(m.lomowner) AS owner, m.lomacl::text[] AS acl,
                       pg_catalog.acldefault('L', m.lomowner)::text[] AS defacl,
                       pg_catalog.obj_description(m.oid, 'pg_largeobject') AS comment
                FROM pg_catalog.pg_largeobject_metadata m ORDER BY m.oid""", rs -> {
            long oid = rs.getLong("oid");
            DumpObject o = put(new DumpObject(key("pg_largeobject", oid), Kind.LARGE_OBJECT, null, Long.toString(oid), rs.getString("owner")));
            o.add("SELECT pg_catalog.lo_create('" + oid + "');");
            owner(o, "LARGE OBJECT " + oid);
            comment(o, "LARGE OBJECT " + oid, rs.getString("comment"));
            acl(o, "ON LARGE OBJECT " + oid, CatalogQueries.textArray(rs, "acl"), CatalogQueries.textArray(rs, "defacl"));
            DumpObject data = put(new DumpObject("lodata:" + oid, Kind.LARGE_OBJECT_DATA, null, Long.toString(oid), null));
            data.largeObject = oid;
            data.dependsOn(o.key);
        });
    }

    private void readDefaultPrivileges() throws EngineException {
        if (options.noPrivileges()) {
            return;
        }
        q.forEach("default privileges", """
                SELECT d.oid, pg_catalog.pg_get_userbyid(d.defaclrole) AS role, d.defaclnamespace, d.defaclobjtype,
                       d.defaclacl::text[] AS acl,
                       CASE WHEN d.defaclnamespace = 0 THEN pg_catalog.acldefault(CASE d.defaclobjtype
                            WHEN 'S' THEN 's' ELSE d.defaclobjtype END::"char", d.defaclrole)::text[] END AS defacl
                FROM pg_catalog.pg_default_acl d ORDER BY d.oid""", rs -> {
            long nsp = rs.getLong("defaclnamespace");
            if (nsp != 0 && !schemas.containsKey(nsp)) {
                return;
            }
            if (nsp == 0 && !filter.wholeDatabase()) {
                return;
            }
            String objects = switch (rs.getString("defaclobjtype")) {
                case "r" -> "TABLES";
                case "S" -> "SEQUENCES";
                case "f" -> "FUNCTIONS";
                case "T" -> "TYPES";
                case "n" -> "SCHEMAS";
                case "L" -> "LARGE OBJECTS";
                default -> null;
            };
            if (objects == null) {
                return;
            }
            String role = rs.getString("role");
            String prefix = "ALTER DEFAULT PRIVILEGES FOR ROLE " + SqlText.ident(role)
                    + (nsp != 0 ? " IN SCHEMA " + SqlText.ident(schemas.get(nsp)) : "");
            List<String> defaults = CatalogQueries.textArray(rs, "defacl");
            List<String> statements = PostgresAcl.defaultPrivilegeStatements(prefix, objects, CatalogQueries.textArray(rs, "acl"),
                    defaults == null ? List.of() : defaults);
            if (statements.isEmpty()) {
                return;
            }
            DumpObject o = put(new DumpObject(key("pg_default_acl", rs.getLong("oid")), Kind.DEFAULT_ACL,
                    nsp != 0 ? schemas.get(nsp) : null, role + " " + objects, null));
            statements.forEach(o::add);
            if (nsp != 0) {
                o.dependsOn(key("pg_namespace", nsp));
            }
        });
    }

    /** Rows users added to an extension's configuration tables (pg_extension.extconfig), as pg_dump keeps them. */
    private void readExtensionConfiguration() throws EngineException {
        List<Object[]> configs = new ArrayList<>();
        q.forEach("extension configuration tables", """
                SELECT e.oid AS extoid, c.oid, n.nspname, c.relname, c.relkind, x.cond
                FROM pg_catalog.pg_extension e
                CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(e.extconfig), pg_catalog.unnest(e.extcondition)) AS x(reloid, cond)
                JOIN pg_catalog.pg_class c ON c.oid = x.reloid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                ORDER BY n.nspname, c.relname""", rs -> configs.add(new Object[]{rs.getLong("extoid"), rs.getLong("oid"),
                rs.getString("nspname"), rs.getString("relname"), rs.getString("relkind"), rs.getString("cond")}));
        for (Object[] cfg : configs) {
            DumpObject extension = objects.get(key("pg_extension", (Long) cfg[0]));
            if (extension == null) {
                continue;
            }
            long oid = (Long) cfg[1];
            String schema = (String) cfg[2];
            String name = (String) cfg[3];
            if ("S".equals(cfg[4])) {
                DumpObject set = put(new DumpObject("seqset:" + oid, Kind.SEQUENCE_SET, schema, name, null));
                set.sequenceName = SqlText.qualified(schema, name);
                set.dependsOn(extension.key);
                continue;
            }
            if (!"r".equals(cfg[4]) || filter.excludesData(schema, name)) {
                continue;
            }
            List<String> columns = new ArrayList<>();
            q.forEach("columns of extension table " + schema + "." + name, """
                    SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = ? AND a.attnum > 0
                    AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum""", rs -> columns.add(rs.getString(1)), oid);
            DumpObject data = put(new DumpObject("data:" + oid, Kind.TABLE_DATA, schema, name, null));
            data.data = new DumpObject.TableData(oid, schema, name, columns, cfg[5] == null ? "" : (String) cfg[5]);
            data.dependsOn(extension.key);
        }
    }

    /** Privileges changed on objects of an extension after it was created: pg_init_privs holds the starting point. */
    private void readExtensionMemberPrivileges() throws EngineException {
        if (options.noPrivileges()) {
            return;
        }
        String query = """
                SELECT x.oid AS extoid, m.kind, m.oid, m.label, m.acl::text[] AS acl, m.base::text[] AS base
                FROM (
                  SELECT 'FUNCTION' AS kind, p.oid, 'pg_proc' AS catalog,
                         pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname)
                           || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' AS label,
                         coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner)) AS acl,
                         coalesce(ip.initprivs, pg_catalog.acldefault('f', p.proowner)) AS base
                  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                  LEFT JOIN pg_catalog.pg_init_privs ip ON ip.objoid = p.oid AND ip.classoid = 'pg_catalog.pg_proc'::regclass AND ip.objsubid = 0
                  UNION ALL
                  SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.oid, 'pg_class',
                         pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname),
                         coalesce(c.relacl, pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner)),
                         coalesce(ip.initprivs, pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))
                  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                  LEFT JOIN pg_catalog.pg_init_privs ip ON ip.objoid = c.oid AND ip.classoid = 'pg_catalog.pg_class'::regclass AND ip.objsubid = 0
                  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')
                  UNION ALL
                  SELECT 'TYPE', t.oid, 'pg_type', pg_catalog.format_type(t.oid, NULL),
                         coalesce(t.typacl, pg_catalog.acldefault('T', t.typowner)),
                         coalesce(ip.initprivs, pg_catalog.acldefault('T', t.typowner))
                  FROM pg_catalog.pg_type t
                  LEFT JOIN pg_catalog.pg_init_privs ip ON ip.objoid = t.oid AND ip.classoid = 'pg_catalog.pg_type'::regclass AND ip.objsubid = 0
                ) m
                JOIN pg_catalog.pg_depend d ON d.objid = m.oid AND d.classid = m.catalog::regclass AND d.deptype = 'e'
                JOIN pg_catalog.pg_extension x ON x.oid = d.refobjid
                WHERE m.acl::text[] IS DISTINCT FROM m.base::text[]
                ORDER BY m.label""";
        q.forEach("privileges of extension objects", query, rs -> {
            DumpObject extension = objects.get(key("pg_extension", rs.getLong("extoid")));
            if (extension == null) {
                return;
            }
            List<String> grants = PostgresAcl.statements("ON " + rs.getString("kind") + " " + rs.getString("label"), null,
                    CatalogQueries.textArray(rs, "acl"), CatalogQueries.textArray(rs, "base"));
            if (grants.isEmpty()) {
                return;
            }
            DumpObject a = put(new DumpObject("acl:member:" + rs.getString("kind") + rs.getLong("oid"), Kind.ACL, null,
                    rs.getString("label"), null));
            grants.forEach(a::add);
            a.dependsOn(extension.key);
        });
    }

    private void readUnsupported() throws EngineException {
        String where = "oid >= 16384 AND %s = ANY(?::oid[])";
        record Check(String label, String catalog, String nameColumn, String schemaColumn) {
        }
        List<Check> checks = List.of(
                new Check("operator class", "pg_opclass", "opcname", "opcnamespace"),
                new Check("operator family", "pg_opfamily", "opfname", "opfnamespace"),
                new Check("text search parser", "pg_ts_parser", "prsname", "prsnamespace"),
                new Check("text search template", "pg_ts_template", "tmplname", "tmplnamespace"),
                new Check("conversion", "pg_conversion", "conname", "connamespace"));
        for (Check c : checks) {
            q.forEach(c.label() + "s", "SELECT oid, " + c.nameColumn() + ", (SELECT nspname FROM pg_catalog.pg_namespace WHERE oid = "
                    + c.schemaColumn() + ") FROM pg_catalog." + c.catalog() + " WHERE " + where.formatted(c.schemaColumn()), rs -> {
                if (!member(c.catalog(), rs.getLong(1))) {
                    unsupported.add(c.label() + " " + rs.getString(3) + "." + rs.getString(2));
                }
            }, inSchemas());
        }
        if (filter.wholeDatabase()) {
            q.forEach("foreign data wrappers", "SELECT oid, fdwname FROM pg_catalog.pg_foreign_data_wrapper", rs -> {
                if (!member("pg_foreign_data_wrapper", rs.getLong(1))) {
                    unsupported.add("foreign data wrapper " + rs.getString(2));
                }
            });
            q.forEach("foreign servers", "SELECT oid, srvname FROM pg_catalog.pg_foreign_server", rs -> {
                if (!member("pg_foreign_server", rs.getLong(1))) {
                    unsupported.add("foreign server " + rs.getString(2));
                }
            });
            q.forEach("procedural languages", "SELECT oid, lanname FROM pg_catalog.pg_language WHERE oid >= 16384", rs -> {
                if (!member("pg_language", rs.getLong(1))) {
                    unsupported.add("procedural language " + rs.getString(2));
                }
            });
            q.forEach("access methods", "SELECT oid, amname FROM pg_catalog.pg_am WHERE oid >= 16384", rs -> {
                if (!member("pg_am", rs.getLong(1))) {
                    unsupported.add("access method " + rs.getString(2));
                }
            });
            q.forEach("transforms", "SELECT oid, pg_catalog.format_type(trftype, NULL) FROM pg_catalog.pg_transform WHERE oid >= 16384", rs -> {
                if (!member("pg_transform", rs.getLong(1))) {
                    unsupported.add("transform for " + rs.getString(2));
                }
            });
        }
    }

    private void readDependencies() throws EngineException {
        q.forEach("dependencies", """
                SELECT (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = classid), objid,
                       (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = refclassid), refobjid, deptype
                FROM pg_catalog.pg_depend
                WHERE objid >= 16384 AND refobjid >= 16384 AND deptype IN ('n', 'a')""", rs -> {
            String from = resolve(key(rs.getString(1), rs.getLong(2)));
            String to = resolve(key(rs.getString(3), rs.getLong(4)));
            DumpObject o = objects.get(from);
            if (o == null || from.equals(to) || !objects.containsKey(to)) {
                return;
            }
            // A sequence OWNED BY a column is created before its table; the OWNED BY entry comes after both.
            if (o.kind == Kind.SEQUENCE && rs.getString(5).equals("a")) {
                return;
            }
            o.dependsOn(to);
        });
        // Every object needs its schema; ACLs, comments and attachments already name their owners.
        for (DumpObject o : objects.values()) {
            if (o.schema != null) {
                long nsp = schemaOid(o.schema);
                if (nsp != 0) {
                    o.dependsOn(key("pg_namespace", nsp));
                }
            }
        }
    }
}
