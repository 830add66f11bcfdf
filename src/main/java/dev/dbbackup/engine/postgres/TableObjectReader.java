package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.postgres.DumpObject.Kind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what hangs on a table: constraints (CHECK constraints that can stay inline go to the table),
 * indexes (with CLUSTER, REPLICA IDENTITY and partition index attachments), triggers, rules, row security
 * policies and extended statistics. Special cases: from 13, triggers cloned onto partitions (tgparentid) are
 * left to their parent's, and extended statistics have a statistics target.
 */
final class TableObjectReader extends CatalogReader {

    private final Set<Long> parentOids = new HashSet<>();
    private final List<String[]> pendingComments = new ArrayList<>();

    TableObjectReader(CatalogContext context) {
        super(context);
    }

    void readConstraints() throws EngineException {
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
                // An inherited NOT VALID check comes from its parent's ALTER TABLE, which recurses (partitions too).
                if (inherited && (!r.isPartition || !rs.getBoolean("convalidated"))) {
                    if (!r.isPartition && rs.getBoolean("convalidated")) {
                        r.inheritedChecks.add(new String[]{name, def});
                    }
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
            // A CHECK constraint the children inherit is added to them too, as pg_dump does (ONLY fails on a parent).
            boolean inheritedCheck = type.equals("c") && parentOids.contains(r.oid) && !def.contains(" NO INHERIT");
            boolean only = !(type.equals("f") && r.kind == 'p') && !inheritedCheck;
            o.add("ALTER TABLE " + (only ? "ONLY " : "") + r.qualified() + "\n    ADD CONSTRAINT " + SqlText.ident(name) + " " + def + ";");
            comment(o, "CONSTRAINT " + SqlText.ident(name) + " ON " + r.qualified(), commentText);
            o.dependsOn(key("pg_class", r.oid));
            if (rs.getLong("conindid") != 0 && !type.equals("f")) {
                alias.put(key("pg_class", rs.getLong("conindid")), ck);
            }
        }, inSchemas());
    }

    /** Comments on the CHECK constraints written inside CREATE TABLE; the table objects must exist. */
    void commentInlineChecks() {
        for (String[] c : pendingComments) {
            DumpObject o = objects.get(c[0]);
            if (o != null) {
                comment(o, c[1], c[2]);
            }
        }
    }

    void readIndexes() throws EngineException {
        Map<DumpObject, Long> indexAttachParents = new LinkedHashMap<>();
        Map<Long, String> indexNames = new HashMap<>();
        q.forEach("indexes", """
                SELECT i.indexrelid, i.indrelid, ic.relname, pg_catalog.pg_get_indexdef(i.indexrelid) AS def,
                       i.indisclustered, i.indisreplident, ic.reloptions::text[] AS options,
                       (SELECT h.inhparent FROM pg_catalog.pg_inherits h WHERE h.inhrelid = i.indexrelid) AS parent,
                       pg_catalog.obj_description(i.indexrelid, 'pg_class') AS comment,
                       (SELECT co.oid FROM pg_catalog.pg_constraint co WHERE co.conindid = i.indexrelid
                          AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x')) AS constraint_oid,
                       i.indisvalid, t.relkind,
                       (SELECT sp.spcname FROM pg_catalog.pg_tablespace sp WHERE sp.oid = ic.reltablespace) AS tablespace,
                       ARRAY(SELECT a.attnum || ' ' || a.attstattarget FROM pg_catalog.pg_attribute a
                             WHERE a.attrelid = i.indexrelid AND a.attnum > 0 AND a.attstattarget >= 0 ORDER BY a.attnum) AS stattargets
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
                    inTablespace(c, rs.getString("tablespace"));
                    comment(c, "INDEX " + qn, rs.getString("comment"));
                }
            } else {
                if (!rs.getBoolean("indisvalid") && !"p".equals(rs.getString("relkind"))) {
                    return;
                }
                ownerKey = key("pg_class", oid);
                DumpObject o = put(new DumpObject(ownerKey, Kind.INDEX, table.schema, name, null));
                o.add(rs.getString("def") + ";");
                inTablespace(o, rs.getString("tablespace"));
                comment(o, "INDEX " + qn, rs.getString("comment"));
                o.dependsOn(key("pg_class", table.oid));
            }
            DumpObject owner = objects.get(ownerKey);
            if (owner == null) {
                return;
            }
            // Statistics targets set on expression columns of the index (ALTER INDEX ... ALTER COLUMN n SET STATISTICS).
            for (String target : CatalogQueries.textArray(rs, "stattargets")) {
                String[] numberAndTarget = target.split(" ");
                owner.add("ALTER INDEX " + qn + " ALTER COLUMN " + numberAndTarget[0] + " SET STATISTICS " + numberAndTarget[1] + ";");
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
        }
    }

    /**
     * Puts the index that the object's first statement creates into its tablespace: the deparsed definition names
     * none, so the statement runs under default_tablespace, as pg_dump writes it.
     */
    private static void inTablespace(DumpObject o, String tablespace) {
        if (tablespace != null && !o.statements.isEmpty()) {
            o.statements.set(0, "SET default_tablespace = " + SqlText.literal(tablespace) + ";\n" + o.statements.get(0)
                    + "\nSET default_tablespace = '';");
        }
    }

    void readTriggers() throws EngineException {
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
            enabledState(o, table, "TRIGGER", name, rs.getString("tgenabled"));
            comment(o, "TRIGGER " + SqlText.ident(name) + " ON " + table.qualified(), rs.getString("comment"));
            o.dependsOn(key("pg_class", table.oid));
            if (rs.getLong("tgconstraint") != 0) {
                alias.put(key("pg_constraint", rs.getLong("tgconstraint")), o.key);
            }
        }, inSchemas());
    }

    /**
     * Triggers cloned onto partitions (13 and later) whose enabled state differs from their parent's: pg_dump writes
     * the partition's ALTER TABLE ... ENABLE/DISABLE TRIGGER, after every ancestor's (which recurse to partitions).
     */
    void readClonedTriggerStates() throws EngineException {
        if (version < 130000) {
            return;
        }
        Map<Long, Long> parentOf = new HashMap<>();
        List<Object[]> differing = new ArrayList<>();
        q.forEach("cloned triggers", """
                SELECT tg.oid, tg.tgparentid, tg.tgrelid, tg.tgname, tg.tgenabled, tg.tgenabled <> p.tgenabled AS differs
                FROM pg_catalog.pg_trigger tg JOIN pg_catalog.pg_trigger p ON p.oid = tg.tgparentid
                JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
                WHERE c.relnamespace = ANY(?::oid[]) ORDER BY tg.tgname""", rs -> {
            parentOf.put(rs.getLong("oid"), rs.getLong("tgparentid"));
            if (rs.getBoolean("differs")) {
                differing.add(new Object[]{rs.getLong("oid"), rs.getLong("tgrelid"), rs.getString("tgname"), rs.getString("tgenabled")});
            }
        }, inSchemas());
        for (Object[] d : differing) {
            long oid = (Long) d[0];
            Relation table = relations.get((Long) d[1]);
            if (table == null) {
                continue;
            }
            String name = (String) d[2];
            String state = (String) d[3];
            DumpObject o = put(new DumpObject(key("pg_trigger", oid), Kind.TRIGGER, table.schema, table.name + " " + name, null));
            if (state.equals("O")) {
                o.add("ALTER TABLE " + table.qualified() + " ENABLE TRIGGER " + SqlText.ident(name) + ";");
            } else {
                enabledState(o, table, "TRIGGER", name, state);
            }
            o.dependsOn(key("pg_class", table.oid)).dependsOn("attach:" + table.oid);
            Long ancestor = parentOf.get(oid);
            for (int i = 0; ancestor != null && i < 64; i++) {
                o.dependsOn(key("pg_trigger", ancestor));
                ancestor = parentOf.get(ancestor);
            }
        }
    }

    void readRules() throws EngineException {
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
            enabledState(o, table, "RULE", name, rs.getString("ev_enabled"));
            comment(o, "RULE " + SqlText.ident(name) + " ON " + table.qualified(), rs.getString("comment"));
            o.dependsOn(key("pg_class", table.oid));
        }, inSchemas());
    }

    /** A trigger or rule that does not fire in the default (origin) mode: 'D' disabled, 'R' replica, 'A' always. */
    private static void enabledState(DumpObject o, Relation table, String what, String name, String code) {
        String alter = "ALTER TABLE " + table.qualified();
        switch (code) {
            case "D" -> o.add(alter + " DISABLE " + what + " " + SqlText.ident(name) + ";");
            case "R" -> o.add(alter + " ENABLE REPLICA " + what + " " + SqlText.ident(name) + ";");
            case "A" -> o.add(alter + " ENABLE ALWAYS " + what + " " + SqlText.ident(name) + ";");
            default -> { }
        }
    }

    void readPolicies() throws EngineException {
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

    void readStatisticsObjects() throws EngineException {
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
}
