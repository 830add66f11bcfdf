package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DatabaseUrl;
import dev.dbbackup.engine.EngineException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * --clean: inside the restore transaction, drops what the dump is about to recreate. A whole-database dump (ours, or
 * any dump without our header) makes the whole database the backup's content: every user schema is dropped, those the
 * backup does not contain are reported. A dump of some schemas drops those; objects in other schemas that a CASCADE
 * takes with them (a view or a foreign key on a dropped table) are reported.
 */
final class PostgresCleaner {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(PostgresCleaner.class);

    private static final String SCHEMAS_HEADER = "-- dbbackup-schemas:";
    private static final String SCOPE_HEADER = "-- dbbackup-scope:";

    private final Connection connection;
    private final DatabaseUrl target;

    PostgresCleaner(Connection connection, DatabaseUrl target) {
        this.connection = connection;
        this.target = target;
    }

    void clean(List<String> header) throws EngineException {
        List<String> schemas = null;
        boolean wholeDatabase = true;
        for (String line : header) {
            if (line.startsWith(SCHEMAS_HEADER)) {
                schemas = identifiers(line.substring(SCHEMAS_HEADER.length()));
            } else if (line.startsWith(SCOPE_HEADER)) {
                wholeDatabase = line.substring(SCOPE_HEADER.length()).strip().equals("database");
            }
        }
        List<String> existing = userSchemas();
        if (schemas == null) {
            schemas = existing;
        } else if (wholeDatabase) {
            // The whole database becomes the backup's content: schemas made after the backup go too, and are reported.
            List<String> all = new ArrayList<>(schemas);
            for (String schema : existing) {
                if (!schemas.contains(schema)) {
                    LOG.warnf("--clean removes schema %s and everything in it: the backup does not contain it (made after the backup?)",
                            schema);
                    all.add(schema);
                }
            }
            schemas = all;
        }
        List<String> kept = new ArrayList<>(existing);
        kept.removeAll(schemas);
        List<String> keptObjectsBefore = objectsIn(kept);
        for (String schema : schemas) {
            if (!existing.contains(schema)) {
                continue;
            }
            if (schema.equals("public")) {
                recreatePublic();
            } else {
                run("DROP SCHEMA " + SqlText.ident(schema) + " CASCADE", "schema " + schema);
            }
        }
        List<String> cascaded = new ArrayList<>(keptObjectsBefore);
        cascaded.removeAll(objectsIn(kept));
        if (!cascaded.isEmpty()) {
            LOG.warnf("--clean also removed %s outside the replaced schemas: they depended on what it dropped (DROP ... CASCADE)",
                    String.join(", ", cascaded));
        }
        if (wholeDatabase) {
            for (String publication : names("SELECT pubname FROM pg_catalog.pg_publication")) {
                run("DROP PUBLICATION " + SqlText.ident(publication), "publication " + publication);
            }
            // The dump recreates its subscriptions without a slot of their own (connect = false, slot_name kept): the
            // publisher's slot is not dropped, so the restored subscription can use it again once enabled.
            for (String sub : names("SELECT subname FROM pg_catalog.pg_subscription WHERE subdbid = (SELECT oid FROM "
                    + "pg_catalog.pg_database WHERE datname = pg_catalog.current_database())")) {
                String name = SqlText.ident(sub);
                // DROP SUBSCRIPTION leaves the subscription's comment behind in pg_description.
                run("COMMENT ON SUBSCRIPTION " + name + " IS NULL", "subscription " + sub);
                run("ALTER SUBSCRIPTION " + name + " DISABLE", "subscription " + sub);
                run("ALTER SUBSCRIPTION " + name + " SET (slot_name = NONE)", "subscription " + sub);
                run("DROP SUBSCRIPTION " + name, "subscription " + sub);
            }
            for (String trigger : names("SELECT evtname FROM pg_catalog.pg_event_trigger e WHERE NOT EXISTS (SELECT 1 FROM "
                    + "pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_event_trigger'::regclass AND d.objid = e.oid AND d.deptype = 'e')")) {
                run("DROP EVENT TRIGGER " + SqlText.ident(trigger), "event trigger " + trigger);
            }
            dropServerObjects();
            run("SELECT pg_catalog.lo_unlink(oid) FROM pg_catalog.pg_largeobject_metadata", "large objects");
            resetGlobalDefaultPrivileges();
        }
    }

    /** Servers (with their user mappings and foreign tables), wrappers, languages, transforms and access methods outside extensions. */
    private void dropServerObjects() throws EngineException {
        String notExtension = " NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = '%s'::regclass AND d.objid = x.oid"
                + " AND d.deptype = 'e')";
        for (String server : names("SELECT x.srvname FROM pg_catalog.pg_foreign_server x WHERE" + notExtension.formatted("pg_catalog.pg_foreign_server"))) {
            run("DROP SERVER " + SqlText.ident(server) + " CASCADE", "server " + server);
        }
        for (String wrapper : names("SELECT x.fdwname FROM pg_catalog.pg_foreign_data_wrapper x WHERE"
                + notExtension.formatted("pg_catalog.pg_foreign_data_wrapper"))) {
            run("DROP FOREIGN DATA WRAPPER " + SqlText.ident(wrapper) + " CASCADE", "foreign data wrapper " + wrapper);
        }
        for (String transform : names("SELECT 'FOR ' || pg_catalog.format_type(x.trftype, NULL) || ' LANGUAGE ' || pg_catalog.quote_ident(l.lanname)"
                + " FROM pg_catalog.pg_transform x JOIN pg_catalog.pg_language l ON l.oid = x.trflang WHERE x.oid >= 16384 AND"
                + notExtension.formatted("pg_catalog.pg_transform"))) {
            run("DROP TRANSFORM " + transform + " CASCADE", "transform " + transform);
        }
        for (String language : names("SELECT x.lanname FROM pg_catalog.pg_language x WHERE x.oid >= 16384 AND"
                + notExtension.formatted("pg_catalog.pg_language"))) {
            run("DROP LANGUAGE " + SqlText.ident(language) + " CASCADE", "language " + language);
        }
        for (String method : names("SELECT x.amname FROM pg_catalog.pg_am x WHERE x.oid >= 16384 AND" + notExtension.formatted("pg_catalog.pg_am"))) {
            run("DROP ACCESS METHOD " + SqlText.ident(method) + " CASCADE", "access method " + method);
        }
    }

    /** Database-wide ALTER DEFAULT PRIVILEGES would change the privileges of every object the restore creates. */
    private void resetGlobalDefaultPrivileges() throws EngineException {
        List<String> statements = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_get_userbyid(d.defaclrole), d.defaclobjtype, d.defaclacl::text[], "
                     + "pg_catalog.acldefault(CASE d.defaclobjtype WHEN 'S' THEN 's' ELSE d.defaclobjtype END::\"char\", d.defaclrole)::text[] "
                     + "FROM pg_catalog.pg_default_acl d WHERE d.defaclnamespace = 0")) {
            while (rs.next()) {
                String objects = PostgresAcl.defaultPrivilegeObjects(rs.getString(2));
                if (objects != null) {
                    String prefix = "ALTER DEFAULT PRIVILEGES FOR ROLE " + SqlText.ident(rs.getString(1));
                    statements.addAll(PostgresAcl.defaultPrivilegeStatements(prefix, objects,
                            CatalogQueries.textArray(rs, "acldefault"), CatalogQueries.textArray(rs, "defaclacl")));
                }
            }
        } catch (SQLException e) {
            throw new EngineException("--clean could not read the default privileges of '" + target.database() + "': "
                    + PostgresErrors.describe(e), e);
        }
        for (String statement : statements) {
            run(statement.substring(0, statement.length() - 1), "default privileges");
        }
    }

    private void recreatePublic() throws EngineException {
        String owner;
        List<String> acl;
        List<String> defaults;
        String comment;
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_get_userbyid(n.nspowner), n.nspacl::text[], "
                     + "pg_catalog.acldefault('n', n.nspowner)::text[], pg_catalog.obj_description(n.oid, 'pg_namespace') "
                     + "FROM pg_catalog.pg_namespace n WHERE n.nspname = 'public'")) {
            rs.next();
            owner = rs.getString(1);
            acl = CatalogQueries.textArray(rs, "nspacl");
            defaults = CatalogQueries.textArray(rs, "acldefault");
            comment = rs.getString(4);
        } catch (SQLException e) {
            throw new EngineException("--clean could not read schema public of '" + target.database() + "': " + PostgresErrors.describe(e), e);
        }
        run("DROP SCHEMA public CASCADE", "schema public");
        run("CREATE SCHEMA public", "schema public");
        run("ALTER SCHEMA public OWNER TO " + SqlText.ident(owner), "schema public");
        for (String grant : PostgresAcl.statements("ON SCHEMA public", null, acl, defaults)) {
            run(grant.substring(0, grant.length() - 1), "schema public");
        }
        if (comment != null) {
            run("COMMENT ON SCHEMA public IS " + SqlText.literal(comment), "schema public");
        }
    }

    /** Relations, constraints and functions in {@code schemas}, as "kind schema.name", to tell what a CASCADE took. */
    private List<String> objectsIn(List<String> schemas) throws EngineException {
        if (schemas.isEmpty()) {
            return List.of();
        }
        StringBuilder in = new StringBuilder();
        for (String schema : schemas) {
            in.append(in.isEmpty() ? "" : ", ").append(SqlText.literal(schema));
        }
        return names("SELECT CASE c.relkind WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view ' WHEN 'S' THEN 'sequence '"
                + " WHEN 'i' THEN 'index ' ELSE 'table ' END || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)"
                + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN (" + in + ")"
                + " UNION ALL SELECT 'constraint ' || pg_catalog.quote_ident(co.conname) || ' on ' || pg_catalog.quote_ident(n.nspname) || '.'"
                + " || pg_catalog.quote_ident(c.relname) FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = co.conrelid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN (" + in + ")"
                + " UNION ALL SELECT 'function ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname)"
                + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN (" + in + ")"
                + " ORDER BY 1");
    }

    private List<String> userSchemas() throws EngineException {
        return names("SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE n.nspname NOT LIKE 'pg\\_%' "
                + "AND n.nspname <> 'information_schema' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
                + "WHERE d.classid = 'pg_catalog.pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e') ORDER BY 1");
    }

    private List<String> names(String sql) throws EngineException {
        List<String> out = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new EngineException("--clean could not list the objects of '" + target.database() + "': " + PostgresErrors.describe(e), e);
        }
        return out;
    }

    private void run(String sql, String what) throws EngineException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new EngineException("--clean could not drop " + what + " in '" + target.database() + "': "
                    + PostgresErrors.describe(e) + "; nothing was changed", e);
        }
    }

    /** Space-separated identifiers, each plain or double-quoted. */
    static List<String> identifiers(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ') {
                i++;
                continue;
            }
            StringBuilder sb = new StringBuilder();
            if (c == '"') {
                i++;
                while (i < text.length()) {
                    char d = text.charAt(i++);
                    if (d == '"') {
                        if (i < text.length() && text.charAt(i) == '"') {
                            sb.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        sb.append(d);
                    }
                }
            } else {
                while (i < text.length() && text.charAt(i) != ' ') {
                    sb.append(text.charAt(i++));
                }
            }
            out.add(sb.toString());
        }
        return out;
    }
}
