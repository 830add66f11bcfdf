package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.postgres.DumpObject.Kind;
import dev.dbbackup.engine.postgres.Relation.Column;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads SQL/MED objects as pg_dump writes them: foreign data wrappers, foreign servers and user mappings (with their
 * options, owners, comments and privileges; whole-database dumps only, as pg_dump) and foreign tables (columns,
 * defaults, NOT NULL, inline CHECK constraints, inheritance, column and table options). User mapping options may
 * hold passwords: they go into the dump as the user stored them, on lines of their own so that no one-line message
 * about the statement can show them. No version has special cases.
 */
final class ForeignDataReader extends CatalogReader {

    /** A subquery for the generic options of {@code column} (a text[] of name=value) as "name 'value', ...". */
    private static String options(String column) {
        return "pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.quote_ident(option_name) || ' ' || pg_catalog.quote_literal(option_value)"
                + " FROM pg_catalog.pg_options_to_table(" + column + ")), E',\\n    ')";
    }

    private final Map<Long, String[]> foreignTables = new HashMap<>();

    ForeignDataReader(CatalogContext context) {
        super(context);
    }

    void readForeignDataWrappers() throws EngineException {
        if (!filter.wholeDatabase()) {
            return;
        }
        q.forEach("foreign data wrappers", """
                SELECT w.oid, w.fdwname, pg_catalog.pg_get_userbyid(w.fdwowner) AS owner,
                       CASE WHEN w.fdwhandler <> 0 THEN w.fdwhandler::pg_catalog.regproc::text END AS handler,
                       CASE WHEN w.fdwvalidator <> 0 THEN w.fdwvalidator::pg_catalog.regproc::text END AS validator,
                       %s AS options, w.fdwacl::text[] AS acl, pg_catalog.acldefault('F', w.fdwowner)::text[] AS defacl,
                       pg_catalog.obj_description(w.oid, 'pg_foreign_data_wrapper') AS comment
                FROM pg_catalog.pg_foreign_data_wrapper w ORDER BY w.fdwname""".formatted(options("w.fdwoptions")), rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_foreign_data_wrapper", oid)) {
                return;
            }
            String name = SqlText.ident(rs.getString("fdwname"));
            DumpObject o = put(new DumpObject(key("pg_foreign_data_wrapper", oid), Kind.FOREIGN_DATA_WRAPPER, null,
                    rs.getString("fdwname"), rs.getString("owner")));
            StringBuilder sb = new StringBuilder("CREATE FOREIGN DATA WRAPPER ").append(name);
            if (rs.getString("handler") != null) {
                sb.append(" HANDLER ").append(rs.getString("handler"));
            }
            if (rs.getString("validator") != null) {
                sb.append(" VALIDATOR ").append(rs.getString("validator"));
            }
            o.add(sb + optionsClause(rs.getString("options")) + ";");
            owner(o, "FOREIGN DATA WRAPPER " + name);
            comment(o, "FOREIGN DATA WRAPPER " + name, rs.getString("comment"));
            acl(o, "ON FOREIGN DATA WRAPPER " + name, CatalogQueries.textArray(rs, "acl"), CatalogQueries.textArray(rs, "defacl"));
        });
    }

    void readForeignServers() throws EngineException {
        if (!filter.wholeDatabase()) {
            return;
        }
        q.forEach("foreign servers", """
                SELECT s.oid, s.srvname, pg_catalog.pg_get_userbyid(s.srvowner) AS owner, s.srvtype, s.srvversion, w.fdwname,
                       %s AS options, s.srvacl::text[] AS acl, pg_catalog.acldefault('S', s.srvowner)::text[] AS defacl,
                       pg_catalog.obj_description(s.oid, 'pg_foreign_server') AS comment
                FROM pg_catalog.pg_foreign_server s JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw
                ORDER BY s.srvname""".formatted(options("s.srvoptions")), rs -> {
            long oid = rs.getLong("oid");
            if (member("pg_foreign_server", oid)) {
                return;
            }
            String name = SqlText.ident(rs.getString("srvname"));
            DumpObject o = put(new DumpObject(key("pg_foreign_server", oid), Kind.SERVER, null, rs.getString("srvname"),
                    rs.getString("owner")));
            StringBuilder sb = new StringBuilder("CREATE SERVER ").append(name);
            if (rs.getString("srvtype") != null) {
                sb.append(" TYPE ").append(SqlText.literal(rs.getString("srvtype")));
            }
            if (rs.getString("srvversion") != null) {
                sb.append(" VERSION ").append(SqlText.literal(rs.getString("srvversion")));
            }
            sb.append(" FOREIGN DATA WRAPPER ").append(SqlText.ident(rs.getString("fdwname")));
            o.add(sb + optionsClause(rs.getString("options")) + ";");
            owner(o, "SERVER " + name);
            comment(o, "SERVER " + name, rs.getString("comment"));
            acl(o, "ON FOREIGN SERVER " + name, CatalogQueries.textArray(rs, "acl"), CatalogQueries.textArray(rs, "defacl"));
        });
        // pg_user_mappings shows a mapping's options only to whom may see them; a mapping whose options are hidden is
        // refused rather than written without them.
        q.forEach("user mappings", """
                SELECT m.umid, m.srvid, m.srvname, m.umuser, m.usename, %s AS options,
                       (m.umuser <> 0 AND m.usename = current_user
                          AND (pg_catalog.pg_has_role(s.srvowner, 'USAGE') OR pg_catalog.has_server_privilege(s.oid, 'USAGE')))
                       OR (m.umuser = 0 AND pg_catalog.pg_has_role(s.srvowner, 'USAGE'))
                       OR (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) AS visible
                FROM pg_catalog.pg_user_mappings m JOIN pg_catalog.pg_foreign_server s ON s.oid = m.srvid
                ORDER BY m.srvname, m.usename""".formatted(options("m.umoptions")), rs -> {
            DumpObject server = objects.get(key("pg_foreign_server", rs.getLong("srvid")));
            if (server == null) {
                return;
            }
            String user = rs.getLong("umuser") == 0 ? "PUBLIC" : SqlText.ident(rs.getString("usename"));
            String serverName = SqlText.ident(rs.getString("srvname"));
            if (!rs.getBoolean("visible")) {
                unsupported.add("user mapping for " + rs.getString("usename") + " on server " + rs.getString("srvname")
                        + " (PostgreSQL shows its options only to a superuser, the mapped user or the server's owner: back up as one of them)");
                return;
            }
            DumpObject o = put(new DumpObject(key("pg_user_mapping", rs.getLong("umid")), Kind.USER_MAPPING, null,
                    "USER MAPPING " + rs.getString("usename") + " SERVER " + rs.getString("srvname"), server.owner));
            o.add("CREATE USER MAPPING FOR " + user + " SERVER " + serverName + optionsClause(rs.getString("options")) + ";");
            o.dependsOn(server.key);
        });
    }

    /** The server and options of foreign tables, read before the relation objects are built. */
    void readForeignTables() throws EngineException {
        q.forEach("foreign tables", """
                SELECT f.ftrelid, s.srvname, %s AS options FROM pg_catalog.pg_foreign_table f
                JOIN pg_catalog.pg_foreign_server s ON s.oid = f.ftserver JOIN pg_catalog.pg_class c ON c.oid = f.ftrelid
                WHERE c.relnamespace = ANY(?::oid[])""".formatted(options("f.ftoptions")),
                rs -> foreignTables.put(rs.getLong("ftrelid"), new String[]{rs.getString("srvname"), rs.getString("options")}),
                inSchemas());
    }

    /** CREATE FOREIGN TABLE for every foreign table read, with what pg_dump writes after it. */
    void buildForeignTables() throws EngineException {
        Map<String, String> columnOptions = new HashMap<>();
        q.forEach("foreign table column options", """
                SELECT a.attrelid, a.attname, %s AS options FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
                WHERE c.relkind = 'f' AND c.relnamespace = ANY(?::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
                  AND a.attfdwoptions IS NOT NULL""".formatted(options("a.attfdwoptions")),
                rs -> columnOptions.put(rs.getLong(1) + "." + rs.getString(2), rs.getString(3)), inSchemas());
        for (Relation r : relations.values()) {
            if (r.kind == 'f') {
                buildForeignTable(r, columnOptions);
            }
        }
    }

    private void buildForeignTable(Relation r, Map<String, String> columnOptions) {
        String qn = r.qualified();
        String[] table = foreignTables.getOrDefault(r.oid, new String[]{"?", ""});
        DumpObject o = put(new DumpObject(key("pg_class", r.oid), Kind.FOREIGN_TABLE, r.schema, r.name, r.owner));
        boolean child = !r.isPartition && !r.parents.isEmpty();
        List<String> elements = new ArrayList<>();
        List<String> after = new ArrayList<>();
        String alter = "ALTER FOREIGN TABLE ONLY " + qn + " ALTER COLUMN ";
        for (Column c : r.columns) {
            String col = alter + SqlText.ident(c.name);
            if (child && !c.local) {
                if (c.defaultExpression != null && c.generated == 0) {
                    after.add(col + " SET DEFAULT " + c.defaultExpression + ";");
                }
                if (c.notNull && !parentHasNotNull(r, c.name)) {
                    after.add(col + " SET NOT NULL;");
                }
                continue;
            }
            StringBuilder sb = new StringBuilder("    ").append(SqlText.ident(c.name)).append(' ').append(c.type);
            if (c.collation != null) {
                sb.append(" COLLATE ").append(c.collation);
            }
            if (c.generated == 's') {
                sb.append(" GENERATED ALWAYS AS (").append(c.defaultExpression).append(") STORED");
            } else if (c.defaultExpression != null) {
                sb.append(" DEFAULT ").append(c.defaultExpression);
            }
            if (c.notNull) {
                sb.append(" NOT NULL");
            }
            elements.add(sb.toString());
        }
        for (String check : r.inlineChecks) {
            elements.add("    " + check);
        }
        StringBuilder sb = new StringBuilder("CREATE FOREIGN TABLE ").append(qn).append(" (\n").append(String.join(",\n", elements))
                .append(elements.isEmpty() ? "" : "\n").append(")");
        if (child) {
            List<String> parents = new ArrayList<>();
            for (long p : r.parents) {
                Relation parent = relations.get(p);
                parents.add(parent == null ? "?" : parent.qualified());
                o.dependsOn(key("pg_class", p));
            }
            sb.append("\nINHERITS (").append(String.join(", ", parents)).append(")");
        }
        sb.append("\nSERVER ").append(SqlText.ident(table[0]));
        if (table[1] != null && !table[1].isEmpty()) {
            sb.append("\nOPTIONS (\n    ").append(table[1]).append("\n)");
        }
        o.add(sb + ";");
        o.statements.addAll(after);
        for (Column c : r.columns) {
            String col = alter + SqlText.ident(c.name);
            if (c.statisticsTarget != null) {
                o.add(col + " SET STATISTICS " + c.statisticsTarget + ";");
            }
            if (c.storage != c.typeStorage) {
                o.add(col + " SET STORAGE " + switch (c.storage) {
                    case 'p' -> "PLAIN";
                    case 'e' -> "EXTERNAL";
                    case 'm' -> "MAIN";
                    default -> "EXTENDED";
                } + ";");
            }
            if (c.options != null && !c.options.isEmpty()) {
                o.add(col + " SET (" + String.join(", ", c.options) + ");");
            }
            String fdwOptions = columnOptions.get(r.oid + "." + c.name);
            if (fdwOptions != null && !fdwOptions.isEmpty()) {
                o.add("ALTER FOREIGN TABLE " + qn + " ALTER COLUMN " + SqlText.ident(c.name) + " OPTIONS (\n    " + fdwOptions + "\n);");
            }
        }
        owner(o, "FOREIGN TABLE " + qn);
        comment(o, "FOREIGN TABLE " + qn, r.comment);
        for (Column c : r.columns) {
            comment(o, "COLUMN " + qn + "." + SqlText.ident(c.name), c.comment);
        }
        relationAcl(r, o, "TABLE");
        if (r.isPartition && !r.parents.isEmpty()) {
            Relation parent = relations.get(r.parents.get(0));
            if (parent != null) {
                DumpObject attach = put(new DumpObject("attach:" + r.oid, Kind.TABLE_ATTACH, r.schema, r.name, null));
                attach.add("ALTER TABLE ONLY " + parent.qualified() + " ATTACH PARTITION " + qn + " " + r.partitionBound + ";");
                attach.dependsOn(o.key).dependsOn(key("pg_class", parent.oid));
            }
        }
    }

    private boolean parentHasNotNull(Relation r, String column) {
        for (long p : r.parents) {
            Relation parent = relations.get(p);
            Column pc = parent == null ? null : parent.column(column);
            if (pc != null && pc.notNull) {
                return true;
            }
        }
        return false;
    }

    private static String optionsClause(String options) {
        return options == null || options.isEmpty() ? "" : " OPTIONS (\n    " + options + "\n)";
    }
}
