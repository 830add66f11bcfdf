package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.postgres.DumpObject.Kind;

import java.util.List;

/**
 * Reads the privileges that belong to no dumped object: ALTER DEFAULT PRIVILEGES entries (database-wide ones
 * only for a whole-database dump) and privileges changed on an extension's members or built-in objects since they
 * were created (pg_init_privs). Object privileges are written by each reader through {@link CatalogReader#acl}. No
 * version has special cases. It also refuses security labels.
 */
final class PrivilegeReader extends CatalogReader {

    PrivilegeReader(CatalogContext context) {
        super(context);
    }

    void readDefaultPrivileges() throws EngineException {
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
            String objects = PostgresAcl.defaultPrivilegeObjects(rs.getString("defaclobjtype"));
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

    /**
     * Privileges changed since the objects were created by an extension or by initdb (pg_init_privs holds the starting
     * point; the plpgsql language and everything in pg_catalog come with every database; information_schema is left out, as
     * pg_dump does, its objects have no such record before 13), on
     * routines, relations and their columns, types and languages. Changes to built-in objects belong to the whole
     * database and are written only for a whole-database dump, as pg_dump does.
     */
    void readExtensionMemberPrivileges() throws EngineException {
        if (options.noPrivileges()) {
            return;
        }
        String query = """
                SELECT x.oid AS extoid, m.kind, m.oid, m.label, m.col, m.acl::text[] AS acl, m.base::text[] AS base
                FROM (
                  SELECT 'FUNCTION' AS kind, p.oid, 'pg_proc' AS catalog, p.pronamespace AS nsp,
                         pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname)
                           || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' AS label, NULL::text AS col,
                         coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner)) AS acl,
                         coalesce(ip.initprivs, pg_catalog.acldefault('f', p.proowner)) AS base
                  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                  LEFT JOIN pg_catalog.pg_init_privs ip ON ip.objoid = p.oid AND ip.classoid = 'pg_catalog.pg_proc'::regclass AND ip.objsubid = 0
                  UNION ALL
                  SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.oid, 'pg_class', c.relnamespace,
                         pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), NULL::text,
                         coalesce(c.relacl, pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner)),
                         coalesce(ip.initprivs, pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))
                  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                  LEFT JOIN pg_catalog.pg_init_privs ip ON ip.objoid = c.oid AND ip.classoid = 'pg_catalog.pg_class'::regclass AND ip.objsubid = 0
                  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')
                  UNION ALL
                  SELECT 'TABLE', c.oid, 'pg_class', c.relnamespace,
                         pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), a.attname::text,
                         coalesce(a.attacl, '{}'), coalesce(ip.initprivs, '{}')
                  FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
                  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                  LEFT JOIN pg_catalog.pg_init_privs ip ON ip.objoid = c.oid AND ip.classoid = 'pg_catalog.pg_class'::regclass
                    AND ip.objsubid = a.attnum
                  WHERE c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
                    AND (a.attacl IS NOT NULL OR ip.initprivs IS NOT NULL)
                  UNION ALL
                  SELECT 'TYPE', t.oid, 'pg_type', t.typnamespace, pg_catalog.format_type(t.oid, NULL), NULL::text,
                         coalesce(t.typacl, pg_catalog.acldefault('T', t.typowner)),
                         coalesce(ip.initprivs, pg_catalog.acldefault('T', t.typowner))
                  FROM pg_catalog.pg_type t
                  LEFT JOIN pg_catalog.pg_init_privs ip ON ip.objoid = t.oid AND ip.classoid = 'pg_catalog.pg_type'::regclass AND ip.objsubid = 0
                  UNION ALL
                  SELECT 'LANGUAGE', l.oid, 'pg_language', NULL::oid, pg_catalog.quote_ident(l.lanname), NULL::text,
                         coalesce(l.lanacl, pg_catalog.acldefault('l', l.lanowner)),
                         coalesce(ip.initprivs, pg_catalog.acldefault('l', l.lanowner))
                  FROM pg_catalog.pg_language l
                  LEFT JOIN pg_catalog.pg_init_privs ip ON ip.objoid = l.oid AND ip.classoid = 'pg_catalog.pg_language'::regclass AND ip.objsubid = 0
                ) m
                LEFT JOIN pg_catalog.pg_depend d ON d.objid = m.oid AND d.classid = m.catalog::regclass AND d.deptype = 'e'
                LEFT JOIN pg_catalog.pg_extension x ON x.oid = d.refobjid
                WHERE m.acl::text[] IS DISTINCT FROM m.base::text[]
                  AND (x.oid IS NOT NULL OR (m.oid < 16384 AND (m.nsp IS NULL
                       OR m.nsp = 'pg_catalog'::regnamespace)))
                ORDER BY m.label, m.col NULLS FIRST""";
        q.forEach("privileges of extension and built-in objects", query, rs -> {
            DumpObject extension = rs.getLong("extoid") == 0 ? null : objects.get(key("pg_extension", rs.getLong("extoid")));
            // Extensions that come with the database (plpgsql) are not dumped; their objects count as built-in.
            boolean builtIn = (rs.getLong("extoid") == 0 || rs.getLong("extoid") < 16384) && filter.wholeDatabase();
            if (extension == null && !builtIn) {
                return;
            }
            String column = rs.getString("col");
            List<String> grants = PostgresAcl.statements("ON " + rs.getString("kind") + " " + rs.getString("label"),
                    column == null ? null : " (" + SqlText.ident(column) + ")",
                    CatalogQueries.textArray(rs, "acl"), CatalogQueries.textArray(rs, "base"));
            if (grants.isEmpty()) {
                return;
            }
            DumpObject a = put(new DumpObject("acl:member:" + rs.getString("kind") + rs.getLong("oid") + (column == null ? "" : ":" + column),
                    Kind.ACL, null, rs.getString("label") + (column == null ? "" : "." + column), null));
            grants.forEach(a::add);
            if (extension != null) {
                a.dependsOn(extension.key);
            }
        });
    }

    /**
     * Security labels need their label provider (sepgsql) loaded wherever the dump is restored, which a plain
     * restore cannot promise: each labelled object is reported, so the backup fails before anything is written.
     */
    void refuseSecurityLabels() throws EngineException {
        q.forEach("security labels", """
                SELECT o.type, o.schema, o.identity, s.provider, s.classoid::regclass::text AS catalog, s.objoid
                FROM pg_catalog.pg_seclabel s, pg_catalog.pg_identify_object(s.classoid, s.objoid, s.objsubid) o
                ORDER BY 1, 3""", rs -> {
            // The dump session quotes every identifier (quote_all_identifiers), pg_identify_object's schema too.
            String schema = rs.getString("schema") == null ? null : SqlText.unquote(rs.getString("schema"));
            boolean dumped = schema != null ? filter.includesSchema(schema) && schemas.containsValue(schema)
                    : rs.getString("type").equals("schema") ? schemas.containsValue(SqlText.unquote(rs.getString("identity")))
                    : filter.wholeDatabase();
            String catalog = rs.getString("catalog").replace("\"", "").replace("pg_catalog.", "");
            if (dumped && !member(catalog, rs.getLong("objoid"))) {
                unsupported.add("security label (provider " + rs.getString("provider") + ") on " + rs.getString("type") + " "
                        + rs.getString("identity"));
            }
        });
    }
}
