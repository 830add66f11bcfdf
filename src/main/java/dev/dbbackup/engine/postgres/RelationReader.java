package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.postgres.DumpObject.Kind;
import dev.dbbackup.engine.postgres.Relation.Column;

/**
 * Reads tables, views, materialized views and sequences (pg_class) into {@link Relation}s: their inheritance,
 * comments and privileges, columns (pg_attribute with defaults, collations, storage, statistics targets and
 * options) and sequence parameters. A sequence becomes its own dump object unless it is an identity column's,
 * which the table creates. It also notes which column defaults and constraints call user functions, so that
 * they are written after the table. Special cases: column compression from 14, named NOT NULL constraints from 18.
 */
final class RelationReader extends CatalogReader {

    RelationReader(CatalogContext context) {
        super(context);
    }

    /** Column defaults and constraints that call user functions; they are written after the table. */
    void readUserFunctionCalls() throws EngineException {
        q.forEach("defaults and constraints calling functions", """
                SELECT (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = classid), objid FROM pg_catalog.pg_depend
                WHERE classid IN ('pg_catalog.pg_attrdef'::regclass, 'pg_catalog.pg_constraint'::regclass)
                  AND refclassid = 'pg_catalog.pg_proc'::regclass AND refobjid >= 16384 AND deptype = 'n'""",
                rs -> callsUserFunction.add(key(rs.getString(1), rs.getLong(2))));
    }

    void readRelations() throws EngineException {
        q.forEach("tables, views and sequences", """
                SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence,
                       pg_catalog.pg_get_userbyid(c.relowner) AS owner, c.reloptions::text[] AS options,
                       tc.reloptions::text[] AS toastoptions, am.amname, c.relispartition,
                       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS bound,
                       CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partkey,
                       CASE WHEN c.reloftype <> 0 THEN pg_catalog.format_type(c.reloftype, NULL) END AS oftype,
                       c.reloftype, c.relreplident, c.relrowsecurity, c.relforcerowsecurity, c.relispopulated,
                       CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END AS viewdef,
                       (SELECT t.spcname FROM pg_catalog.pg_tablespace t WHERE t.oid = c.reltablespace) AS tablespace
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
            r.tablespace = rs.getString("tablespace");
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

    /** Comments and ACLs of relations, read before the relation objects are built. */
    void readRelationExtras() throws EngineException {
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

    void readColumns() throws EngineException {
        String compression = version >= 140000 ? "a.attcompression::text" : "NULL::text";
        q.forEach("columns", """
                SELECT a.attrelid, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
                       a.attnotnull, a.attislocal, a.attinhcount, a.attidentity, a.attgenerated, d.oid AS defoid,
                       pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS defexpr,
                       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN %s END AS collation,
                       a.attstorage, t.typstorage, a.attstattarget::int AS stattarget, %s AS compression,
                       a.attoptions::text[] AS options, a.attacl::text[] AS acl,
                       pg_catalog.col_description(a.attrelid, a.attnum) AS comment
                FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
                JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE c.relnamespace = ANY(?::oid[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                  AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attrelid, a.attnum""".formatted(CatalogQueries.collationName("a.attcollation"), compression), rs -> {
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
            if (c.options != null) {
                // Some patched 15.x servers stamp every new column with an internal pg_attver option; pg_dump leaves it out.
                c.options.removeIf(option -> option.startsWith("pg_attver="));
            }
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

    void readSequences() throws EngineException {
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
                        + " AS IDENTITY (\n    SEQUENCE NAME " + qn + "\n    "
                        // From 15 an identity sequence can be logged when its table is not, and the other way round.
                        + (seq.persistence == table.persistence ? "" : seq.persistence == 'u' ? "UNLOGGED\n    " : "LOGGED\n    ")
                        + parameters + "\n);";
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
}
