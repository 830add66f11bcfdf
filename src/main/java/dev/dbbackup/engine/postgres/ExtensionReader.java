package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.postgres.DumpObject.Kind;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads extensions (pg_extension) and what belongs to them: the members (pg_depend 'e', left out of the dump
 * because CREATE EXTENSION makes them), the objects the server creates along with another one (pg_depend 'i':
 * range constructors, multirange casts) and the rows users added to an extension's configuration tables.
 * No version has special cases.
 */
final class ExtensionReader extends CatalogReader {

    ExtensionReader(CatalogContext context) {
        super(context);
    }

    void readExtensionMembers() throws EngineException {
        q.forEach("extension members", "SELECT (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = classid), objid FROM pg_catalog.pg_depend WHERE deptype = 'e'",
                rs -> extensionMembers.add(key(rs.getString(1), rs.getLong(2))));
        q.forEach("internal dependencies", """
                SELECT (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = classid), objid FROM pg_catalog.pg_depend
                WHERE deptype = 'i' AND objid >= 16384 AND classid IN ('pg_catalog.pg_proc'::regclass,
                      'pg_catalog.pg_cast'::regclass, 'pg_catalog.pg_operator'::regclass)""",
                rs -> internalMembers.add(key(rs.getString(1), rs.getLong(2))));
    }

    void readExtensions() throws EngineException {
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

    /**
     * Comments on the objects of a dumped extension (pg_dump leaves them out, so a comment the application put there
     * is lost with it). All are written after the extension is created: one its script wrote is written back the same.
     */
    void readExtensionMemberComments() throws EngineException {
        q.forEach("comments on extension members", """
                SELECT x.oid AS extoid, d.classoid, d.objoid, d.objsubid, o.type, o.identity, d.description
                FROM pg_catalog.pg_description d
                JOIN pg_catalog.pg_depend dep ON dep.classid = d.classoid AND dep.objid = d.objoid AND dep.objsubid = 0
                  AND dep.deptype = 'e'
                JOIN pg_catalog.pg_extension x ON x.oid = dep.refobjid,
                LATERAL pg_catalog.pg_identify_object(d.classoid, d.objoid, d.objsubid) o
                ORDER BY o.type, o.identity""", rs -> {
            DumpObject extension = objects.get(key("pg_extension", rs.getLong("extoid")));
            String target = commentTarget(rs.getString("type"), rs.getString("identity"));
            if (extension == null || target == null) {
                return;
            }
            DumpObject o = put(new DumpObject("comment:" + rs.getLong("classoid") + ":" + rs.getLong("objoid") + ":" + rs.getInt("objsubid"),
                    Kind.EXTENSION_MEMBER_COMMENT, null, rs.getString("identity"), null));
            comment(o, target, rs.getString("description"));
            o.dependsOn(extension.key);
        });
    }

    /** What COMMENT ON names for an object pg_identify_object describes, or null for a kind that takes no comment. */
    static String commentTarget(String type, String identity) {
        int on = identity.indexOf("\" on ");
        String onClause = on < 0 ? null : identity.substring(0, on + 1) + " ON " + identity.substring(on + 5);
        return switch (type) {
            case "table column", "view column", "materialized view column", "foreign table column", "composite type column" ->
                    "COLUMN " + identity;
            case "composite type" -> "TYPE " + identity;
            case "table constraint", "trigger", "policy", "rule" -> onClause == null ? null
                    : (type.equals("table constraint") ? "CONSTRAINT" : type.toUpperCase()) + " " + onClause;
            case "domain constraint" -> onClause == null ? null
                    : "CONSTRAINT " + identity.substring(0, on + 1) + " ON DOMAIN " + identity.substring(on + 5);
            case "default value", "operator of access method", "function of access method", "user mapping",
                 "publication relation", "default acl", "role membership" -> null;
            default -> type.toUpperCase() + " " + identity;
        };
    }

    /** Rows users added to an extension's configuration tables (pg_extension.extconfig), as pg_dump keeps them. */
    void readExtensionConfiguration() throws EngineException {
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
}
