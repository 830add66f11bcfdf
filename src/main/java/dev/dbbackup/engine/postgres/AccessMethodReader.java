package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.postgres.DumpObject.Kind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads access methods (whole-database dumps only, as pg_dump), operator families with their loose members
 * (ALTER OPERATOR FAMILY ... ADD) and operator classes with their members, as pg_dump's dumpAccessMethod,
 * dumpOpfamily and dumpOpclass write them. Members are found through pg_depend: a class's members depend on the
 * class, loose members on the family; each member row is aliased to the object that creates it, so that pg_depend
 * orders the family or class after the operators, functions and types it uses. No version has special cases.
 */
final class AccessMethodReader extends CatalogReader {

    AccessMethodReader(CatalogContext context) {
        super(context);
    }

    void readAccessMethods() throws EngineException {
        if (!filter.wholeDatabase()) {
            return;
        }
        q.forEach("access methods", """
                SELECT a.oid, a.amname, a.amtype, pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) AS handler,
                       pg_catalog.obj_description(a.oid, 'pg_am') AS comment
                FROM pg_catalog.pg_am a JOIN pg_catalog.pg_proc p ON p.oid = a.amhandler
                JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                WHERE a.oid >= 16384 ORDER BY a.amname""", rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_am", oid)) {
                return;
            }
            String name = SqlText.ident(rs.getString("amname"));
            DumpObject o = put(new DumpObject(key("pg_am", oid), Kind.ACCESS_METHOD, null, rs.getString("amname"), null));
            String type = rs.getString("amtype").equals("t") ? "TABLE" : "INDEX";
            o.add("CREATE ACCESS METHOD " + name + " TYPE " + type + " HANDLER " + rs.getString("handler") + ";");
            comment(o, "ACCESS METHOD " + name, rs.getString("comment"));
        });
    }

    void readOperatorFamilies() throws EngineException {
        Map<Long, List<String>> looseMembers = members("pg_opfamily");
        q.forEach("operator families", """
                SELECT f.oid, n.nspname, f.opfname, a.amname, pg_catalog.pg_get_userbyid(f.opfowner) AS owner,
                       pg_catalog.obj_description(f.oid, 'pg_opfamily') AS comment
                FROM pg_catalog.pg_opfamily f JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace
                JOIN pg_catalog.pg_am a ON a.oid = f.opfmethod
                WHERE f.opfnamespace = ANY(?::oid[]) AND f.oid >= 16384 ORDER BY n.nspname, f.opfname""", rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_opfamily", oid)) {
                return;
            }
            String schema = rs.getString("nspname");
            String name = rs.getString("opfname");
            String method = SqlText.ident(rs.getString("amname"));
            String qn = SqlText.qualified(schema, name) + " USING " + method;
            DumpObject o = put(new DumpObject(key("pg_opfamily", oid), Kind.OPERATOR_FAMILY, schema, name + " USING " + rs.getString("amname"),
                    rs.getString("owner")));
            o.add("CREATE OPERATOR FAMILY " + qn + ";");
            List<String> loose = looseMembers.get(oid);
            if (loose != null) {
                o.add("ALTER OPERATOR FAMILY " + qn + " ADD\n    " + String.join(",\n    ", loose) + ";");
            }
            owner(o, "OPERATOR FAMILY " + qn);
            comment(o, "OPERATOR FAMILY " + qn, rs.getString("comment"));
        }, inSchemas());
    }

    void readOperatorClasses() throws EngineException {
        Map<Long, List<String>> classMembers = members("pg_opclass");
        q.forEach("operator classes", """
                SELECT c.oid, n.nspname, c.opcname, a.amname, pg_catalog.pg_get_userbyid(c.opcowner) AS owner, c.opcdefault,
                       pg_catalog.format_type(c.opcintype, NULL) AS intype,
                       CASE WHEN c.opckeytype <> 0 THEN pg_catalog.format_type(c.opckeytype, NULL) END AS keytype,
                       pg_catalog.quote_ident(fn.nspname) || '.' || pg_catalog.quote_ident(f.opfname) AS family,
                       pg_catalog.obj_description(c.oid, 'pg_opclass') AS comment
                FROM pg_catalog.pg_opclass c JOIN pg_catalog.pg_namespace n ON n.oid = c.opcnamespace
                JOIN pg_catalog.pg_am a ON a.oid = c.opcmethod
                JOIN pg_catalog.pg_opfamily f ON f.oid = c.opcfamily JOIN pg_catalog.pg_namespace fn ON fn.oid = f.opfnamespace
                WHERE c.opcnamespace = ANY(?::oid[]) AND c.oid >= 16384 ORDER BY n.nspname, c.opcname""", rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_opclass", oid)) {
                return;
            }
            String schema = rs.getString("nspname");
            String name = rs.getString("opcname");
            String method = SqlText.ident(rs.getString("amname"));
            String qn = SqlText.qualified(schema, name) + " USING " + method;
            DumpObject o = put(new DumpObject(key("pg_opclass", oid), Kind.OPERATOR_CLASS, schema, name + " USING " + rs.getString("amname"),
                    rs.getString("owner")));
            List<String> items = new ArrayList<>();
            if (rs.getString("keytype") != null) {
                items.add("STORAGE " + rs.getString("keytype"));
            }
            items.addAll(classMembers.getOrDefault(oid, List.of()));
            if (items.isEmpty()) {
                // CREATE OPERATOR CLASS needs one item; the storage type of a class without members is its input type.
                items.add("STORAGE " + rs.getString("intype"));
            }
            o.add("CREATE OPERATOR CLASS " + SqlText.qualified(schema, name) + "\n    " + (rs.getBoolean("opcdefault") ? "DEFAULT " : "")
                    + "FOR TYPE " + rs.getString("intype") + " USING " + method + " FAMILY " + rs.getString("family") + " AS\n    "
                    + String.join(",\n    ", items) + ";");
            owner(o, "OPERATOR CLASS " + qn);
            comment(o, "OPERATOR CLASS " + qn, rs.getString("comment"));
        }, inSchemas());
    }

    /**
     * The OPERATOR and FUNCTION items of each family or class ({@code catalog} pg_opfamily or pg_opclass), keyed by
     * its oid: the pg_amop and pg_amproc rows that depend on it. Each row is aliased to its owner for pg_depend.
     */
    private Map<Long, List<String>> members(String catalog) throws EngineException {
        Map<Long, List<String>> items = new HashMap<>();
        q.forEach("operators of " + catalog, """
                SELECT d.refobjid, o.oid, o.amopstrategy, o.amopopr::pg_catalog.regoperator::text AS operator, o.amoppurpose,
                       pg_catalog.quote_ident(sn.nspname) || '.' || pg_catalog.quote_ident(sf.opfname) AS sortfamily
                FROM pg_catalog.pg_amop o
                JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_amop'::pg_catalog.regclass AND d.objid = o.oid
                  AND d.refclassid = 'pg_catalog.%1$s'::pg_catalog.regclass
                LEFT JOIN pg_catalog.pg_opfamily sf ON sf.oid = o.amopsortfamily
                LEFT JOIN pg_catalog.pg_namespace sn ON sn.oid = sf.opfnamespace
                WHERE d.refobjid >= 16384
                ORDER BY d.refobjid, o.amopstrategy, o.amoplefttype, o.amoprighttype""".formatted(catalog), rs -> {
            long owner = rs.getLong("refobjid");
            String item = "OPERATOR " + rs.getInt("amopstrategy") + " " + rs.getString("operator");
            if (rs.getString("amoppurpose").equals("o")) {
                item += " FOR ORDER BY " + rs.getString("sortfamily");
            }
            items.computeIfAbsent(owner, k -> new ArrayList<>()).add(item);
            alias.put(key("pg_amop", rs.getLong("oid")), key(catalog, owner));
        });
        q.forEach("functions of " + catalog, """
                SELECT d.refobjid, p.oid, p.amprocnum, p.amproc::pg_catalog.regprocedure::text AS function,
                       pg_catalog.format_type(p.amproclefttype, NULL) AS lefttype,
                       pg_catalog.format_type(p.amprocrighttype, NULL) AS righttype
                FROM pg_catalog.pg_amproc p
                JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_amproc'::pg_catalog.regclass AND d.objid = p.oid
                  AND d.refclassid = 'pg_catalog.%1$s'::pg_catalog.regclass
                WHERE d.refobjid >= 16384
                ORDER BY d.refobjid, p.amprocnum, p.amproclefttype, p.amprocrighttype""".formatted(catalog), rs -> {
            long owner = rs.getLong("refobjid");
            items.computeIfAbsent(owner, k -> new ArrayList<>()).add("FUNCTION " + rs.getInt("amprocnum") + " ("
                    + rs.getString("lefttype") + ", " + rs.getString("righttype") + ") " + rs.getString("function"));
            alias.put(key("pg_amproc", rs.getLong("oid")), key(catalog, owner));
        });
        return items;
    }
}
