package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.postgres.DumpObject.Kind;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads base types (CREATE TYPE with input and output functions, as pg_dump's dumpBaseType) and shell types that
 * were never defined (dumpUndefinedType), and breaks the loop between a type and the functions it is made of: a base
 * type's I/O functions and a range type's canonical function take or return the type, which cannot exist before
 * them, so, as pg_dump does, a shell type ("CREATE TYPE name;") is written first and those functions depend on it.
 * Special case: subscripting functions (typsubscript) exist from 14.
 */
final class BaseTypeReader extends CatalogReader {

    BaseTypeReader(CatalogContext context) {
        super(context);
    }

    void readBaseTypes() throws EngineException {
        String subscript = version >= 140000
                ? "CASE WHEN t.typsubscript <> 0 THEN t.typsubscript::pg_catalog.regproc::text END"
                : "NULL::text";
        q.forEach("base types", """
                SELECT t.oid, n.nspname, t.typname, t.typtype, t.typisdefined, pg_catalog.pg_get_userbyid(t.typowner) AS owner,
                       t.typacl::text[] AS acl, pg_catalog.acldefault('T', t.typowner)::text[] AS defacl,
                       pg_catalog.obj_description(t.oid, 'pg_type') AS comment,
                       t.typlen, t.typinput::pg_catalog.regproc::text AS input, t.typoutput::pg_catalog.regproc::text AS output,
                       CASE WHEN t.typreceive <> 0 THEN t.typreceive::pg_catalog.regproc::text END AS receive,
                       CASE WHEN t.typsend <> 0 THEN t.typsend::pg_catalog.regproc::text END AS send,
                       CASE WHEN t.typmodin <> 0 THEN t.typmodin::pg_catalog.regproc::text END AS typmodin,
                       CASE WHEN t.typmodout <> 0 THEN t.typmodout::pg_catalog.regproc::text END AS typmodout,
                       CASE WHEN t.typanalyze <> 0 THEN t.typanalyze::pg_catalog.regproc::text END AS analyzefn,
                       %s AS subscript, t.typbyval, t.typalign, t.typstorage, t.typcategory, t.typispreferred, t.typdefault,
                       CASE WHEN t.typelem <> 0 THEN pg_catalog.format_type(t.typelem, NULL) END AS element, t.typdelim,
                       t.typcollation <> 0 AS collatable
                FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                WHERE t.typnamespace = ANY(?::oid[]) AND (t.typtype = 'b' OR (t.typtype = 'p' AND NOT t.typisdefined))
                  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = t.oid)
                ORDER BY n.nspname, t.typname""".formatted(subscript), rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_type", oid)) {
                return;
            }
            String schema = rs.getString("nspname");
            String name = rs.getString("typname");
            String qn = SqlText.qualified(schema, name);
            DumpObject o = put(new DumpObject(key("pg_type", oid), Kind.TYPE, schema, name, rs.getString("owner")));
            if (rs.getString("typtype").equals("p")) {
                o.add("CREATE TYPE " + qn + ";");
            } else {
                o.add("CREATE TYPE " + qn + " (\n    " + String.join(",\n    ", baseTypeParts(rs)) + "\n);");
            }
            owner(o, "TYPE " + qn);
            comment(o, "TYPE " + qn, rs.getString("comment"));
            acl(o, "ON TYPE " + qn, CatalogQueries.textArray(rs, "acl"), CatalogQueries.textArray(rs, "defacl"));
        }, inSchemas());
    }

    private static List<String> baseTypeParts(java.sql.ResultSet rs) throws java.sql.SQLException {
        List<String> parts = new ArrayList<>();
        int length = rs.getInt("typlen");
        parts.add("INTERNALLENGTH = " + (length == -1 ? "variable" : Integer.toString(length)));
        parts.add("INPUT = " + rs.getString("input"));
        parts.add("OUTPUT = " + rs.getString("output"));
        for (String[] f : new String[][]{{"RECEIVE", "receive"}, {"SEND", "send"}, {"TYPMOD_IN", "typmodin"},
                {"TYPMOD_OUT", "typmodout"}, {"ANALYZE", "analyzefn"}, {"SUBSCRIPT", "subscript"}}) {
            if (rs.getString(f[1]) != null) {
                parts.add(f[0] + " = " + rs.getString(f[1]));
            }
        }
        if (rs.getBoolean("typbyval")) {
            parts.add("PASSEDBYVALUE");
        }
        parts.add("ALIGNMENT = " + switch (rs.getString("typalign")) {
            case "c" -> "char";
            case "s" -> "int2";
            case "d" -> "double";
            default -> "int4";
        });
        parts.add("STORAGE = " + switch (rs.getString("typstorage")) {
            case "e" -> "external";
            case "x" -> "extended";
            case "m" -> "main";
            default -> "plain";
        });
        if (!rs.getString("typcategory").equals("U")) {
            parts.add("CATEGORY = " + SqlText.literal(rs.getString("typcategory")));
        }
        if (rs.getBoolean("typispreferred")) {
            parts.add("PREFERRED = true");
        }
        if (rs.getString("typdefault") != null) {
            parts.add("DEFAULT = " + SqlText.literal(rs.getString("typdefault")));
        }
        if (rs.getString("element") != null) {
            parts.add("ELEMENT = " + rs.getString("element"));
        }
        if (!rs.getString("typdelim").equals(",")) {
            parts.add("DELIMITER = " + SqlText.literal(rs.getString("typdelim")));
        }
        if (rs.getBoolean("collatable")) {
            parts.add("COLLATABLE = true");
        }
        return parts;
    }

    /**
     * After pg_depend is read: a function that a type depends on and that depends on the type (I/O functions of a
     * base type, the canonical function of a range) depends on the type's shell instead, written before both.
     */
    void breakTypeFunctionLoops() {
        for (DumpObject type : new ArrayList<>(objects.values())) {
            if (type.kind != Kind.TYPE) {
                continue;
            }
            for (String d : type.dependsOn) {
                DumpObject function = objects.get(d);
                if (function == null || function.kind != Kind.FUNCTION || !function.dependsOn.contains(type.key)) {
                    continue;
                }
                String shellKey = "shell:" + type.key;
                if (!objects.containsKey(shellKey)) {
                    DumpObject shell = put(new DumpObject(shellKey, Kind.SHELL_TYPE, type.schema, type.name, type.owner));
                    shell.add("CREATE TYPE " + SqlText.qualified(type.schema, type.name) + ";");
                    long nsp = schemaOid(type.schema);
                    if (nsp != 0) {
                        shell.dependsOn(key("pg_namespace", nsp));
                    }
                }
                function.dependsOn.remove(type.key);
                function.dependsOn(shellKey);
            }
        }
    }
}
