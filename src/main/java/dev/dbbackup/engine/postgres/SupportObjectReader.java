package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.postgres.DumpObject.Kind;

/**
 * Reads the objects that hook functions into the server: procedural languages and transforms (whole-database
 * dumps only, as pg_dump), encoding conversions, text search parsers and text search templates, written as
 * pg_dump's dumpProcLang, dumpTransform, dumpConversion, dumpTSParser and dumpTSTemplate write them. Languages
 * that belong to an extension (plpgsql) are the extension's. No version has special cases.
 */
final class SupportObjectReader extends CatalogReader {

    /** A subquery for the schema-qualified, quoted name (without arguments) of the function whose oid is {@code column}. */
    private static String functionName(String column) {
        return "(SELECT pg_catalog.quote_ident(fn.nspname) || '.' || pg_catalog.quote_ident(f.proname) FROM pg_catalog.pg_proc f"
                + " JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace WHERE f.oid = " + column + ")";
    }

    SupportObjectReader(CatalogContext context) {
        super(context);
    }

    void readLanguages() throws EngineException {
        if (!filter.wholeDatabase()) {
            return;
        }
        q.forEach("procedural languages", """
                SELECT l.oid, l.lanname, l.lanpltrusted, pg_catalog.pg_get_userbyid(l.lanowner) AS owner,
                       %s AS handler, %s AS inline, %s AS validator,
                       l.lanacl::text[] AS acl, pg_catalog.acldefault('l', l.lanowner)::text[] AS defacl,
                       pg_catalog.obj_description(l.oid, 'pg_language') AS comment
                FROM pg_catalog.pg_language l WHERE l.oid >= 16384 ORDER BY l.lanname""".formatted(functionName("l.lanplcallfoid"),
                functionName("l.laninline"), functionName("l.lanvalidator")), rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_language", oid)) {
                return;
            }
            String name = SqlText.ident(rs.getString("lanname"));
            DumpObject o = put(new DumpObject(key("pg_language", oid), Kind.PROCEDURAL_LANGUAGE, null, rs.getString("lanname"),
                    rs.getString("owner")));
            StringBuilder sb = new StringBuilder("CREATE OR REPLACE ");
            if (rs.getBoolean("lanpltrusted")) {
                sb.append("TRUSTED ");
            }
            sb.append("PROCEDURAL LANGUAGE ").append(name);
            if (rs.getString("handler") != null) {
                sb.append(" HANDLER ").append(rs.getString("handler"));
                if (rs.getString("inline") != null) {
                    sb.append(" INLINE ").append(rs.getString("inline"));
                }
                if (rs.getString("validator") != null) {
                    sb.append(" VALIDATOR ").append(rs.getString("validator"));
                }
            }
            o.add(sb + ";");
            owner(o, "PROCEDURAL LANGUAGE " + name);
            comment(o, "LANGUAGE " + name, rs.getString("comment"));
            acl(o, "ON LANGUAGE " + name, CatalogQueries.textArray(rs, "acl"), CatalogQueries.textArray(rs, "defacl"));
        });
    }

    void readTransforms() throws EngineException {
        if (!filter.wholeDatabase()) {
            return;
        }
        q.forEach("transforms", """
                SELECT t.oid, pg_catalog.format_type(t.trftype, NULL) AS type, l.lanname,
                       (SELECT n.nspname FROM pg_catalog.pg_type ty JOIN pg_catalog.pg_namespace n ON n.oid = ty.typnamespace
                        WHERE ty.oid = t.trftype) AS typeschema,
                       CASE WHEN t.trffromsql <> 0 THEN t.trffromsql::pg_catalog.regprocedure::text END AS fromsql,
                       CASE WHEN t.trftosql <> 0 THEN t.trftosql::pg_catalog.regprocedure::text END AS tosql,
                       pg_catalog.obj_description(t.oid, 'pg_transform') AS comment
                FROM pg_catalog.pg_transform t JOIN pg_catalog.pg_language l ON l.oid = t.trflang
                WHERE t.oid >= 16384 ORDER BY 2, 3""", rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_transform", oid) || !filter.includesSchema(rs.getString("typeschema"))) {
                return; // a transform for a type of an excluded schema goes with it
            }
            String what = "FOR " + rs.getString("type") + " LANGUAGE " + SqlText.ident(rs.getString("lanname"));
            DumpObject o = put(new DumpObject(key("pg_transform", oid), Kind.TRANSFORM, null,
                    rs.getString("type") + " " + rs.getString("lanname"), null));
            StringBuilder sb = new StringBuilder("CREATE TRANSFORM ").append(what).append(" (");
            if (rs.getString("fromsql") != null) {
                sb.append("FROM SQL WITH FUNCTION ").append(rs.getString("fromsql"));
            }
            if (rs.getString("tosql") != null) {
                sb.append(rs.getString("fromsql") != null ? ", " : "").append("TO SQL WITH FUNCTION ").append(rs.getString("tosql"));
            }
            o.add(sb + ");");
            comment(o, "TRANSFORM " + what, rs.getString("comment"));
        });
    }

    void readConversions() throws EngineException {
        q.forEach("conversions", """
                SELECT c.oid, n.nspname, c.conname, pg_catalog.pg_get_userbyid(c.conowner) AS owner, c.condefault,
                       pg_catalog.pg_encoding_to_char(c.conforencoding) AS source, pg_catalog.pg_encoding_to_char(c.contoencoding) AS target,
                       %s AS function, pg_catalog.obj_description(c.oid, 'pg_conversion') AS comment
                FROM pg_catalog.pg_conversion c JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace
                WHERE c.connamespace = ANY(?::oid[]) AND c.oid >= 16384 ORDER BY n.nspname, c.conname"""
                .formatted(functionName("c.conproc")), rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_conversion", oid)) {
                return;
            }
            String schema = rs.getString("nspname");
            String name = rs.getString("conname");
            String qn = SqlText.qualified(schema, name);
            DumpObject o = put(new DumpObject(key("pg_conversion", oid), Kind.CONVERSION, schema, name, rs.getString("owner")));
            o.add("CREATE " + (rs.getBoolean("condefault") ? "DEFAULT " : "") + "CONVERSION " + qn + " FOR "
                    + SqlText.literal(rs.getString("source")) + " TO " + SqlText.literal(rs.getString("target"))
                    + " FROM " + rs.getString("function") + ";");
            owner(o, "CONVERSION " + qn);
            comment(o, "CONVERSION " + qn, rs.getString("comment"));
        }, inSchemas());
    }

    void readTextSearchParsersAndTemplates() throws EngineException {
        q.forEach("text search parsers", """
                SELECT p.oid, n.nspname, p.prsname, %s AS start, %s AS gettoken, %s AS endfn, %s AS lextypes,
                       %s AS headline, pg_catalog.obj_description(p.oid, 'pg_ts_parser') AS comment
                FROM pg_catalog.pg_ts_parser p JOIN pg_catalog.pg_namespace n ON n.oid = p.prsnamespace
                WHERE p.prsnamespace = ANY(?::oid[]) AND p.oid >= 16384 ORDER BY n.nspname, p.prsname"""
                .formatted(functionName("p.prsstart"), functionName("p.prstoken"), functionName("p.prsend"),
                        functionName("p.prslextype"), functionName("p.prsheadline")), rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_ts_parser", oid)) {
                return;
            }
            String schema = rs.getString("nspname");
            String name = rs.getString("prsname");
            String qn = SqlText.qualified(schema, name);
            DumpObject o = put(new DumpObject(key("pg_ts_parser", oid), Kind.TEXT_SEARCH_PARSER, schema, name, null));
            String headline = rs.getString("headline");
            o.add("CREATE TEXT SEARCH PARSER " + qn + " (\n    START = " + rs.getString("start") + ",\n    GETTOKEN = "
                    + rs.getString("gettoken") + ",\n    END = " + rs.getString("endfn") + ",\n    LEXTYPES = " + rs.getString("lextypes")
                    + (headline != null ? ",\n    HEADLINE = " + headline : "") + " );");
            comment(o, "TEXT SEARCH PARSER " + qn, rs.getString("comment"));
        }, inSchemas());
        q.forEach("text search templates", """
                SELECT t.oid, n.nspname, t.tmplname, %s AS init, %s AS lexize,
                       pg_catalog.obj_description(t.oid, 'pg_ts_template') AS comment
                FROM pg_catalog.pg_ts_template t JOIN pg_catalog.pg_namespace n ON n.oid = t.tmplnamespace
                WHERE t.tmplnamespace = ANY(?::oid[]) AND t.oid >= 16384 ORDER BY n.nspname, t.tmplname"""
                .formatted(functionName("t.tmplinit"), functionName("t.tmpllexize")), rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_ts_template", oid)) {
                return;
            }
            String schema = rs.getString("nspname");
            String name = rs.getString("tmplname");
            String qn = SqlText.qualified(schema, name);
            DumpObject o = put(new DumpObject(key("pg_ts_template", oid), Kind.TEXT_SEARCH_TEMPLATE, schema, name, null));
            String init = rs.getString("init");
            o.add("CREATE TEXT SEARCH TEMPLATE " + qn + " (\n" + (init != null ? "    INIT = " + init + ",\n" : "")
                    + "    LEXIZE = " + rs.getString("lexize") + " );");
            comment(o, "TEXT SEARCH TEMPLATE " + qn, rs.getString("comment"));
        }, inSchemas());
    }
}
