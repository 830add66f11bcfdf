package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.postgres.DumpObject.Kind;
import dev.dbbackup.engine.postgres.Relation.Column;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builds the dump objects of the relations {@link RelationReader} read: CREATE TABLE (typed, inherited,
 * partitioned, with the CHECK constraints it holds inline), the column fixes an inheritance child needs, column
 * options, identity sequences, partition attachments, row security, table data, and CREATE (MATERIALIZED) VIEW
 * with its refresh. Reads nothing itself; the version differences are in what the readers found (virtual
 * generated columns exist from 18, named NOT NULL constraints are read only from 18).
 */
final class RelationDefinitions extends CatalogReader {

    RelationDefinitions(CatalogContext context) {
        super(context);
    }

    void buildRelationObjects() {
        for (Relation r : relations.values()) {
            switch (r.kind) {
                case 'r', 'p' -> buildTable(r);
                case 'v', 'm' -> buildView(r);
                default -> { }
            }
        }
    }

    private void buildTable(Relation r) {
        String qn = r.qualified();
        String tableKey = key("pg_class", r.oid);
        DumpObject o = put(new DumpObject(tableKey, Kind.TABLE, r.schema, r.name, r.owner));
        List<String> after = new ArrayList<>();
        StringBuilder sb = new StringBuilder("CREATE ");
        if (r.persistence == 'u') {
            sb.append("UNLOGGED ");
        }
        sb.append("TABLE ").append(qn);
        List<String> elements = new ArrayList<>();
        // CREATE TABLE ... INHERITS puts the parents' columns first: a child whose columns are in another order (a
        // column added to the parent later, a table that joined with ALTER TABLE ... INHERIT) is created whole and joins.
        boolean keepOrder = !r.isPartition && !r.parents.isEmpty() && r.ofType == null && !inheritsGivesOrder(r);
        boolean inheritanceChild = !r.isPartition && !r.parents.isEmpty() && !keepOrder;
        if (r.ofType != null) {
            sb.append(" OF ").append(r.ofType);
            for (Column c : r.columns) {
                if (c.defaultExpression != null && c.generated == 0) {
                    after.add("ALTER TABLE ONLY " + qn + " ALTER COLUMN " + SqlText.ident(c.name) + " SET DEFAULT " + c.defaultExpression + ";");
                }
                if (c.notNull && c.identity == 0) {
                    after.add("ALTER TABLE ONLY " + qn + " ALTER COLUMN " + SqlText.ident(c.name) + " SET NOT NULL;");
                }
            }
        } else {
            for (Column c : r.columns) {
                if (inheritanceChild && !c.local) {
                    inheritedColumnFixes(r, c, after);
                    continue;
                }
                StringBuilder col = new StringBuilder("    ").append(SqlText.ident(c.name)).append(' ').append(c.type);
                if (c.collation != null) {
                    col.append(" COLLATE ").append(c.collation);
                }
                // An inheritance child takes its parent's generation expression; stating one of its own is an error.
                boolean ownGeneration = c.generated != 0 && !(inheritanceChild && parentGenerates(r, c));
                if (ownGeneration) {
                    col.append(" GENERATED ALWAYS AS (").append(c.defaultExpression).append(c.generated == 's' ? ") STORED" : ") VIRTUAL");
                } else if (c.generated == 0 && c.defaultExpression != null && callsUserFunction.contains(key("pg_attrdef", c.defaultOid))) {
                    separateDefault(r, c, "ALTER TABLE ONLY " + qn, tableKey);
                } else if (c.generated == 0 && c.defaultExpression != null) {
                    col.append(" DEFAULT ").append(c.defaultExpression);
                }
                if (c.notNull) {
                    String constraintName = r.notNullNames.get(c.name);
                    if (constraintName != null && !constraintName.equals(r.name + "_" + c.name + "_not_null")) {
                        col.append(" CONSTRAINT ").append(SqlText.ident(constraintName));
                    }
                    col.append(" NOT NULL");
                }
                elements.add(col.toString());
            }
            for (String check : r.inlineChecks) {
                elements.add("    " + check);
            }
            if (keepOrder) {
                for (String[] check : r.inheritedChecks) {
                    elements.add("    CONSTRAINT " + SqlText.ident(check[0]) + " " + check[1]);
                }
            }
            sb.append(" (\n").append(String.join(",\n", elements)).append(elements.isEmpty() ? "" : "\n").append(")");
        }
        if (inheritanceChild) {
            List<String> parents = new ArrayList<>();
            for (long p : r.parents) {
                Relation parent = relations.get(p);
                parents.add(parent == null ? "?" : parent.qualified());
                o.dependsOn(key("pg_class", p));
            }
            sb.append("\nINHERITS (").append(String.join(", ", parents)).append(")");
        }
        if (r.partitionKey != null) {
            sb.append("\nPARTITION BY ").append(r.partitionKey);
        }
        if (r.accessMethod != null && !r.accessMethod.equals("heap") && r.kind != 'p') {
            sb.append("\nUSING ").append(SqlText.ident(r.accessMethod));
        }
        List<String> with = new ArrayList<>();
        if (r.options != null) {
            with.addAll(r.options);
        }
        if (r.toastOptions != null) {
            for (String t : r.toastOptions) {
                with.add("toast." + t);
            }
        }
        if (!with.isEmpty()) {
            sb.append("\nWITH (").append(String.join(", ", with)).append(")");
        }
        if (r.tablespace != null) {
            sb.append("\nTABLESPACE ").append(SqlText.ident(r.tablespace));
        }
        o.add(sb + ";");
        if (keepOrder) {
            joinParents(r, o);
        }
        o.statements.addAll(after);
        columnOptions(r, o);
        if (r.identitySequenceStatement != null) {
            o.add(r.identitySequenceStatement);
            for (Relation seq : r.identitySequences) {
                comment(o, "SEQUENCE " + seq.qualified(), seq.comment);
            }
        }
        if (r.replicaIdentity == 'f') {
            o.add("ALTER TABLE ONLY " + qn + " REPLICA IDENTITY FULL;");
        } else if (r.replicaIdentity == 'n') {
            o.add("ALTER TABLE ONLY " + qn + " REPLICA IDENTITY NOTHING;");
        }
        owner(o, "TABLE " + qn);
        relationComments(r, o, "TABLE ");
        relationAcl(r, o, "TABLE");
        for (Relation seq : r.identitySequences) {
            relationAcl(seq, o, "SEQUENCE");
        }

        if (r.isPartition && !r.parents.isEmpty()) {
            Relation parent = relations.get(r.parents.get(0));
            if (parent != null) {
                DumpObject attach = put(new DumpObject("attach:" + r.oid, Kind.TABLE_ATTACH, r.schema, r.name, null));
                attach.add("ALTER TABLE ONLY " + parent.qualified() + " ATTACH PARTITION " + qn + " " + r.partitionBound + ";");
                attach.dependsOn(tableKey).dependsOn(key("pg_class", parent.oid));
            }
        }
        if (r.rowSecurity || r.forceRowSecurity) {
            DumpObject rls = put(new DumpObject("rls:" + r.oid, Kind.ROW_SECURITY, r.schema, r.name, null));
            if (r.rowSecurity) {
                rls.add("ALTER TABLE " + qn + " ENABLE ROW LEVEL SECURITY;");
            }
            if (r.forceRowSecurity) {
                rls.add("ALTER TABLE ONLY " + qn + " FORCE ROW LEVEL SECURITY;");
            }
            rls.dependsOn(tableKey);
        }
        if (r.kind == 'r' && !filter.excludesData(r.schema, r.name)) {
            List<String> copyColumns = new ArrayList<>();
            for (Column c : r.columns) {
                if (c.generated == 0) {
                    copyColumns.add(c.name);
                }
            }
            DumpObject data = put(new DumpObject("data:" + r.oid, Kind.TABLE_DATA, r.schema, r.name, null));
            data.data = new DumpObject.TableData(r.oid, r.schema, r.name, copyColumns);
            data.dependsOn(tableKey);
        }
    }

    /** Whether CREATE TABLE ... INHERITS (parents' columns in order, then the child's own) gives the child's column order. */
    private boolean inheritsGivesOrder(Relation r) {
        List<String> order = new ArrayList<>();
        for (long p : r.parents) {
            Relation parent = relations.get(p);
            if (parent == null) {
                return true;
            }
            for (Column c : parent.columns) {
                if (!order.contains(c.name)) {
                    order.add(c.name);
                }
            }
        }
        for (Column c : r.columns) {
            if (!order.contains(c.name)) {
                order.add(c.name);
            }
        }
        List<String> actual = new ArrayList<>();
        r.columns.forEach(c -> actual.add(c.name));
        return order.equals(actual);
    }

    /**
     * The child created whole joins its parents; columns and CHECK constraints it had only from them are marked
     * inherited again, which needs a catalog update: done when the restoring role is a superuser, otherwise the
     * column order is kept and a warning says they became the child's own (as if declared locally).
     */
    private void joinParents(Relation r, DumpObject o) {
        String qn = r.qualified();
        for (long p : r.parents) {
            o.add("ALTER TABLE ONLY " + qn + " INHERIT " + relations.get(p).qualified() + ";");
        }
        List<String> columns = new ArrayList<>();
        for (Column c : r.columns) {
            if (!c.local) {
                columns.add(SqlText.literal(c.name));
            }
        }
        List<String> checks = new ArrayList<>();
        for (String[] check : r.inheritedChecks) {
            checks.add(SqlText.literal(check[0]));
        }
        if (columns.isEmpty() && checks.isEmpty()) {
            return;
        }
        String table = SqlText.literal(qn) + "::pg_catalog.regclass";
        StringBuilder sb = new StringBuilder("DO $dbbackup$\nBEGIN\n");
        sb.append("  IF (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER) THEN\n");
        if (!columns.isEmpty()) {
            sb.append("    UPDATE pg_catalog.pg_attribute SET attislocal = false WHERE attrelid = ").append(table)
                    .append(" AND attname IN (").append(String.join(", ", columns)).append(");\n");
            // From 18 NOT NULL is a constraint too, local or inherited like its column.
            sb.append("    UPDATE pg_catalog.pg_constraint SET conislocal = false WHERE conrelid = ").append(table)
                    .append(" AND contype = 'n' AND conkey[1] IN (SELECT a.attnum FROM pg_catalog.pg_attribute a WHERE a.attrelid = ")
                    .append(table).append(" AND NOT a.attislocal);\n");
        }
        if (!checks.isEmpty()) {
            sb.append("    UPDATE pg_catalog.pg_constraint SET conislocal = false WHERE conrelid = ").append(table)
                    .append(" AND contype = 'c' AND conname IN (").append(String.join(", ", checks)).append(");\n");
        }
        sb.append("  ELSE\n    RAISE WARNING '%', ").append(SqlText.literal("restored by a role that is not a superuser: the columns and "
                + "checks " + qn + " inherits are now also its own (the column order is kept)")).append(";\n");
        sb.append("  END IF;\nEND\n$dbbackup$;");
        o.add(sb.toString());
    }

    private boolean parentGenerates(Relation r, Column c) {
        for (long p : r.parents) {
            Relation parent = relations.get(p);
            Column pc = parent == null ? null : parent.column(c.name);
            if (pc != null && pc.generated != 0) {
                return true;
            }
        }
        return false;
    }

    private void inheritedColumnFixes(Relation r, Column c, List<String> after) {
        String parentDefault = null;
        boolean parentNotNull = false;
        for (long p : r.parents) {
            Relation parent = relations.get(p);
            Column pc = parent == null ? null : parent.column(c.name);
            if (pc != null) {
                if (pc.defaultExpression != null) {
                    parentDefault = pc.defaultExpression;
                }
                parentNotNull |= pc.notNull;
            }
        }
        String col = "ALTER TABLE ONLY " + r.qualified() + " ALTER COLUMN " + SqlText.ident(c.name);
        if (c.generated == 0 && c.defaultExpression != null) {
            after.add(col + " SET DEFAULT " + c.defaultExpression + ";");
        } else if (c.generated == 0 && parentDefault != null) {
            after.add(col + " DROP DEFAULT;");
        }
        if (c.notNull && !parentNotNull) {
            after.add(col + " SET NOT NULL;");
        }
    }

    private void columnOptions(Relation r, DumpObject o) {
        String qn = r.qualified();
        for (Column c : r.columns) {
            String col = "ALTER TABLE ONLY " + qn + " ALTER COLUMN " + SqlText.ident(c.name);
            if (c.statisticsTarget != null) {
                o.add(col + " SET STATISTICS " + c.statisticsTarget + ";");
            }
            if (c.storage != c.typeStorage) {
                String storage = switch (c.storage) {
                    case 'p' -> "PLAIN";
                    case 'e' -> "EXTERNAL";
                    case 'm' -> "MAIN";
                    default -> "EXTENDED";
                };
                o.add(col + " SET STORAGE " + storage + ";");
            }
            if (c.compression != null) {
                o.add(col + " SET COMPRESSION " + (c.compression.equals("l") ? "lz4" : "pglz") + ";");
            }
            if (c.options != null && !c.options.isEmpty()) {
                o.add(col + " SET (" + String.join(", ", c.options) + ");");
            }
        }
    }

    private void relationComments(Relation r, DumpObject o, String word) {
        String qn = r.qualified();
        comment(o, word + qn, r.comment);
        for (Column c : r.columns) {
            comment(o, "COLUMN " + qn + "." + SqlText.ident(c.name), c.comment);
        }
    }

    private void buildView(Relation r) {
        String qn = r.qualified();
        boolean materialized = r.kind == 'm';
        DumpObject o = put(new DumpObject(key("pg_class", r.oid), materialized ? Kind.MATERIALIZED_VIEW : Kind.VIEW,
                r.schema, r.name, r.owner));
        String definition = r.viewDefinition.strip();
        if (definition.endsWith(";")) {
            definition = definition.substring(0, definition.length() - 1);
        }
        StringBuilder sb = new StringBuilder("CREATE ").append(materialized ? "MATERIALIZED VIEW " : "VIEW ").append(qn);
        if (materialized && r.accessMethod != null && !r.accessMethod.equals("heap")) {
            sb.append(" USING ").append(SqlText.ident(r.accessMethod));
        }
        if (r.options != null && !r.options.isEmpty()) {
            sb.append(" WITH (").append(String.join(", ", r.options)).append(")");
        }
        if (materialized && r.tablespace != null) {
            sb.append(" TABLESPACE ").append(SqlText.ident(r.tablespace));
        }
        sb.append(" AS\n").append(definition);
        if (materialized) {
            sb.append("\n  WITH NO DATA");
        }
        o.add(sb + ";");
        if (materialized) {
            columnOptions(r, o);
        }
        String word = materialized ? "MATERIALIZED VIEW " : "VIEW ";
        owner(o, word + qn);
        relationComments(r, o, word);
        relationAcl(r, o, "TABLE");
        for (Column c : r.columns) {
            if (c.defaultExpression != null) {
                separateDefault(r, c, "ALTER " + word + qn, o.key);
            }
        }
        if (materialized && r.populated) {
            DumpObject refresh = put(new DumpObject("refresh:" + r.oid, Kind.REFRESH_MATERIALIZED_VIEW, r.schema, r.name, null));
            refresh.add("REFRESH MATERIALIZED VIEW " + qn + ";");
            refresh.dependsOn(o.key);
        }
    }

    /** A column default written after its relation, as a dump object of its own that pg_depend can order. */
    private void separateDefault(Relation r, Column c, String alterRelation, String relationKey) {
        DumpObject d = put(new DumpObject("default:" + c.defaultOid, Kind.DEFAULT, r.schema, r.name + "." + c.name, null));
        d.add(alterRelation + " ALTER COLUMN " + SqlText.ident(c.name) + " SET DEFAULT " + c.defaultExpression + ";");
        d.dependsOn(relationKey);
        alias.put(key("pg_attrdef", c.defaultOid), d.key);
    }
}
