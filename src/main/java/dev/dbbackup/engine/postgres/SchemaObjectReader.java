package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.postgres.DumpObject.Kind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the objects that stand beside the tables rather than on them: schemas (public only where it differs from
 * a fresh database's), text search dictionaries and configurations, publications, and, for a whole-database dump,
 * event triggers and large objects. Special cases: PostgreSQL 15 and later own public by pg_database_owner (before,
 * the bootstrap superuser); publications have publish_via_partition_root from 13, and row filters, column lists
 * and TABLES IN SCHEMA from 15.
 */
final class SchemaObjectReader extends CatalogReader {

    private String publicSchemaDefaultOwner;

    SchemaObjectReader(CatalogContext context) {
        super(context);
    }

    void readSchemas() throws EngineException {
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

    /** Text search dictionaries (on existing templates) and configurations (on existing parsers), with their mappings. */
    void readTextSearch() throws EngineException {
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

    void readPublications() throws EngineException {
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

    /**
     * Subscriptions of this database, written as pg_dump writes them: WITH (connect = false), so the restore neither
     * connects to the publisher nor creates a slot, and the subscription comes back disabled (enable it and refresh
     * it by hand). Options are written when they differ from the default; streaming always, its default changed in 18.
     * Special cases: binary and streaming exist from 14, two_phase and disable_on_error from 15, origin,
     * password_required and run_as_owner from 16, failover from 17, streaming = parallel from 16.
     */
    void readSubscriptions() throws EngineException {
        List<String> readable = new ArrayList<>();
        q.forEach("subscription access", """
                SELECT s.subname, pg_catalog.has_column_privilege('pg_catalog.pg_subscription', 'subconninfo', 'SELECT')
                FROM pg_catalog.pg_subscription s
                WHERE s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
                ORDER BY 1""", rs -> {
            if (rs.getBoolean(2)) {
                readable.add(rs.getString(1));
            } else {
                unsupported.add("subscription " + rs.getString(1) + " (only a superuser may read its connection string: "
                        + "run the backup as one)");
            }
        });
        if (readable.isEmpty()) {
            return;
        }
        String columns = String.join(", ",
                version >= 140000 ? "s.subbinary::text AS binary" : "NULL::text AS binary",
                version >= 140000 ? "s.substream::text AS streaming" : "NULL::text AS streaming",
                version >= 150000 ? "s.subtwophasestate::text AS twophase" : "NULL::text AS twophase",
                version >= 150000 ? "s.subdisableonerr::text AS disableonerror" : "NULL::text AS disableonerror",
                version >= 160000 ? "s.suborigin AS origin" : "NULL::text AS origin",
                version >= 160000 ? "s.subpasswordrequired::text AS passwordrequired" : "NULL::text AS passwordrequired",
                version >= 160000 ? "s.subrunasowner::text AS runasowner" : "NULL::text AS runasowner",
                version >= 170000 ? "s.subfailover::text AS failover" : "NULL::text AS failover");
        q.forEach("subscriptions", """
                SELECT s.oid, s.subname, pg_catalog.pg_get_userbyid(s.subowner) AS owner, s.subconninfo, s.subslotname,
                       s.subsynccommit, s.subpublications::text[] AS publications, %s,
                       pg_catalog.obj_description(s.oid, 'pg_subscription') AS comment
                FROM pg_catalog.pg_subscription s
                WHERE s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
                ORDER BY s.subname""".formatted(columns), rs -> {
            String name = SqlText.ident(rs.getString("subname"));
            DumpObject o = put(new DumpObject(key("pg_subscription", rs.getLong("oid")), Kind.SUBSCRIPTION, null,
                    rs.getString("subname"), rs.getString("owner")));
            List<String> publications = new ArrayList<>();
            for (String p : CatalogQueries.textArray(rs, "publications")) {
                publications.add(SqlText.ident(p));
            }
            List<String> with = new ArrayList<>(List.of("connect = false", "slot_name = "
                    + (rs.getString("subslotname") == null ? "NONE" : SqlText.literal(rs.getString("subslotname")))));
            if ("t".equals(rs.getString("binary")) || "true".equals(rs.getString("binary"))) {
                with.add("binary = true");
            }
            String streaming = rs.getString("streaming");
            if (streaming != null) {
                with.add("streaming = " + switch (streaming) {
                    case "t", "true" -> "on";
                    case "p" -> "parallel";
                    default -> "off";
                });
            }
            if (rs.getString("twophase") != null && !rs.getString("twophase").equals("d")) {
                with.add("two_phase = on");
            }
            if ("true".equals(rs.getString("disableonerror")) || "t".equals(rs.getString("disableonerror"))) {
                with.add("disable_on_error = true");
            }
            if (rs.getString("origin") != null && !rs.getString("origin").equalsIgnoreCase("any")) {
                with.add("origin = " + rs.getString("origin"));
            }
            if ("false".equals(rs.getString("passwordrequired")) || "f".equals(rs.getString("passwordrequired"))) {
                with.add("password_required = false");
            }
            if ("true".equals(rs.getString("runasowner")) || "t".equals(rs.getString("runasowner"))) {
                with.add("run_as_owner = true");
            }
            if ("true".equals(rs.getString("failover")) || "t".equals(rs.getString("failover"))) {
                with.add("failover = true");
            }
            if (!"off".equals(rs.getString("subsynccommit"))) {
                with.add("synchronous_commit = " + SqlText.literal(rs.getString("subsynccommit")));
            }
            o.add("CREATE SUBSCRIPTION " + name + " CONNECTION " + SqlText.literal(rs.getString("subconninfo"))
                    + " PUBLICATION " + String.join(", ", publications) + " WITH (" + String.join(", ", with) + ");");
            owner(o, "SUBSCRIPTION " + name);
            comment(o, "SUBSCRIPTION " + name, rs.getString("comment"));
        });
    }

    /** Settings whose value is a list: ALTER ... SET takes them unquoted, as pg_dump writes them. */
    private static final java.util.Set<String> LIST_SETTINGS = java.util.Set.of("search_path", "temp_tablespaces",
            "session_preload_libraries", "local_preload_libraries", "shared_preload_libraries");

    /** Stands for the target database's name in the statements the DO block runs. */
    private static final String DATABASE_TOKEN = "__dbbackup_current_database__";

    /**
     * The dumped database's own properties (comment, privileges, ALTER DATABASE ... SET, ALTER ROLE ... IN DATABASE
     * ... SET), which pg_dump's plain format leaves out: applied to whatever database the file is restored into, by a
     * DO block that names current_database(), so stock psql applies them too. A property the restoring role may not
     * set (it does not own the database, or may not alter the role) is skipped with a warning, not a failed restore.
     */
    void readDatabaseProperties() throws EngineException {
        List<String> statements = new ArrayList<>();
        String on = "DATABASE " + DATABASE_TOKEN;
        q.forEach("database", """
                SELECT pg_catalog.shobj_description(d.oid, 'pg_database') AS comment, d.datacl::text[] AS acl,
                       pg_catalog.acldefault('d', d.datdba)::text[] AS defacl
                FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()""", rs -> {
            if (rs.getString("comment") != null) {
                statements.add("COMMENT ON " + on + " IS " + SqlText.literal(rs.getString("comment")));
            }
            if (!options.noPrivileges() && rs.getArray("acl") != null) {
                for (String grant : PostgresAcl.statements("ON " + on, null, CatalogQueries.textArray(rs, "acl"),
                        CatalogQueries.textArray(rs, "defacl"))) {
                    statements.add(grant.endsWith(";") ? grant.substring(0, grant.length() - 1) : grant);
                }
            }
        });
        q.forEach("database settings", """
                SELECT CASE WHEN s.setrole = 0 THEN NULL ELSE pg_catalog.pg_get_userbyid(s.setrole) END AS role,
                       s.setconfig::text[] AS config
                FROM pg_catalog.pg_db_role_setting s
                WHERE s.setdatabase = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
                ORDER BY 1 NULLS FIRST""", rs -> {
            String role = rs.getString("role");
            String alter = role == null ? "ALTER " + on : "ALTER ROLE " + SqlText.ident(role) + " IN " + on;
            for (String setting : CatalogQueries.textArray(rs, "config")) {
                int eq = setting.indexOf('=');
                String name = setting.substring(0, eq);
                String value = setting.substring(eq + 1);
                statements.add(alter + " SET " + SqlText.ident(name) + " TO "
                        + (LIST_SETTINGS.contains(name.toLowerCase()) ? value : SqlText.literal(value)));
            }
        });
        if (statements.isEmpty()) {
            return;
        }
        DumpObject o = put(new DumpObject("database-properties", Kind.DATABASE_PROPERTIES, null, "current database", null));
        StringBuilder sb = new StringBuilder("DO $dbbackup$\nDECLARE\n  statement text;\nBEGIN\n  FOREACH statement IN ARRAY ARRAY[\n");
        List<String> literals = new ArrayList<>();
        for (String st : statements) {
            literals.add("    " + SqlText.literal(st));
        }
        sb.append(String.join(",\n", literals)).append("\n  ] LOOP\n");
        sb.append("    statement := pg_catalog.replace(statement, ").append(SqlText.literal(DATABASE_TOKEN))
                .append(", pg_catalog.quote_ident(pg_catalog.current_database()));\n");
        sb.append("    BEGIN\n      EXECUTE statement;\n    EXCEPTION WHEN insufficient_privilege THEN\n");
        sb.append("      RAISE WARNING 'not applied (%): %', SQLERRM, statement;\n    END;\n  END LOOP;\nEND\n$dbbackup$;");
        o.add(sb.toString());
    }

    void readEventTriggers() throws EngineException {
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

    void readLargeObjects() throws EngineException {
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
}
