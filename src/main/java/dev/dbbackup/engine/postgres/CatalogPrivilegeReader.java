package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.postgres.DumpObject.Kind;

import java.util.List;

/**
 * Privileges changed since initdb on the system's own objects in pg_catalog (tables and their columns, functions,
 * types), as pg_dump writes them for a whole-database dump: pg_init_privs holds the privileges initdb set, and the
 * statements turn those into the current ones. No version has special cases.
 */
final class CatalogPrivilegeReader extends CatalogReader {

    CatalogPrivilegeReader(CatalogContext context) {
        super(context);
    }

    void readCatalogPrivileges() throws EngineException {
        if (options.noPrivileges() || !filter.wholeDatabase()) {
            return;
        }
        q.forEach("privileges of system objects", """
                SELECT m.kind, m.oid, m.sub, m.label, m.columnname, m.acl::text[] AS acl, m.base::text[] AS base
                FROM (
                  SELECT 'TABLE' AS kind, c.oid, 0 AS sub, 'pg_catalog.' || pg_catalog.quote_ident(c.relname) AS label, NULL::text AS columnname,
                         coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner)) AS acl,
                         coalesce(ip.initprivs, pg_catalog.acldefault('r', c.relowner)) AS base
                  FROM pg_catalog.pg_class c
                  LEFT JOIN pg_catalog.pg_init_privs ip ON ip.objoid = c.oid AND ip.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND ip.objsubid = 0
                  WHERE c.relnamespace = 'pg_catalog'::pg_catalog.regnamespace AND c.relkind IN ('r', 'v', 'm', 'p')
                  UNION ALL
                  SELECT 'TABLE', c.oid, a.attnum, 'pg_catalog.' || pg_catalog.quote_ident(c.relname), pg_catalog.quote_ident(a.attname),
                         coalesce(a.attacl, '{}'::pg_catalog.aclitem[]), coalesce(ip.initprivs, '{}'::pg_catalog.aclitem[])
                  FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
                  LEFT JOIN pg_catalog.pg_init_privs ip ON ip.objoid = c.oid AND ip.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
                    AND ip.objsubid = a.attnum
                  WHERE c.relnamespace = 'pg_catalog'::pg_catalog.regnamespace AND c.relkind IN ('r', 'v', 'm', 'p')
                    AND a.attnum > 0 AND NOT a.attisdropped
                  UNION ALL
                  SELECT 'FUNCTION', p.oid, 0, p.oid::pg_catalog.regprocedure::text, NULL,
                         coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner)), coalesce(ip.initprivs, pg_catalog.acldefault('f', p.proowner))
                  FROM pg_catalog.pg_proc p
                  LEFT JOIN pg_catalog.pg_init_privs ip ON ip.objoid = p.oid AND ip.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND ip.objsubid = 0
                  WHERE p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace AND p.prokind <> 'a'
                  UNION ALL
                  SELECT 'TYPE', t.oid, 0, pg_catalog.format_type(t.oid, NULL), NULL,
                         coalesce(t.typacl, pg_catalog.acldefault('T', t.typowner)), coalesce(ip.initprivs, pg_catalog.acldefault('T', t.typowner))
                  FROM pg_catalog.pg_type t
                  LEFT JOIN pg_catalog.pg_init_privs ip ON ip.objoid = t.oid AND ip.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass AND ip.objsubid = 0
                  WHERE t.typnamespace = 'pg_catalog'::pg_catalog.regnamespace
                ) m
                WHERE m.acl::text[] IS DISTINCT FROM m.base::text[]
                ORDER BY m.label, m.sub""", rs -> {
            String column = rs.getString("columnname");
            String on = "ON " + rs.getString("kind") + " " + (rs.getString("kind").equals("FUNCTION") ? "pg_catalog." : "") + rs.getString("label");
            List<String> grants = PostgresAcl.statements(on, column == null ? null : " (" + column + ")",
                    CatalogQueries.textArray(rs, "acl"), CatalogQueries.textArray(rs, "base"));
            if (grants.isEmpty()) {
                return;
            }
            DumpObject a = put(new DumpObject("acl:catalog:" + rs.getString("kind") + rs.getLong("oid") + ":" + rs.getInt("sub"), Kind.ACL,
                    "pg_catalog", rs.getString("label") + (column == null ? "" : "." + column), null));
            grants.forEach(a::add);
        });
    }
}
