package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.postgres.DumpObject.Kind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads functions, procedures and aggregates (pg_proc, the definition from pg_get_functiondef, aggregates
 * rebuilt from pg_aggregate), operators and casts; functions the server creates with a type keep only their
 * privileges. No version has special cases: everything read exists in PostgreSQL 12.
 */
final class RoutineReader extends CatalogReader {

    RoutineReader(CatalogContext context) {
        super(context);
    }

    void readFunctions() throws EngineException {
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

    void readOperators() throws EngineException {
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

    void readCasts() throws EngineException {
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
}
