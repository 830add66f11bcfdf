package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.postgres.DumpObject.Kind;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the objects of one database from the catalog into {@link DumpObject}s, using the server's own
 * deparsers for every definition, and records the dependencies between them from pg_depend. It runs the
 * readers of each object family in an order where every reader finds what it needs from the earlier ones,
 * then itself checks for objects the built-in dumper cannot write and reads pg_depend. Special cases by
 * version are in the readers; this class has none.
 */
final class PostgresCatalog extends CatalogReader {

    private final ExtensionReader extensionReader;
    private final SchemaObjectReader schemaObjectReader;
    private final TypeReader typeReader;
    private final RoutineReader routineReader;
    private final RelationReader relationReader;
    private final RelationDefinitions relationDefinitions;
    private final TableObjectReader tableObjectReader;
    private final PrivilegeReader privilegeReader;
    private final BaseTypeReader baseTypeReader;
    private final AccessMethodReader accessMethodReader;
    private final SupportObjectReader supportObjectReader;
    private final ForeignDataReader foreignDataReader;
    private final CatalogPrivilegeReader catalogPrivilegeReader;

    PostgresCatalog(Connection connection, DumpOptions options, int version) {
        super(new CatalogContext(connection, options, version));
        extensionReader = new ExtensionReader(context);
        schemaObjectReader = new SchemaObjectReader(context);
        typeReader = new TypeReader(context);
        routineReader = new RoutineReader(context);
        relationReader = new RelationReader(context);
        relationDefinitions = new RelationDefinitions(context);
        tableObjectReader = new TableObjectReader(context);
        privilegeReader = new PrivilegeReader(context);
        baseTypeReader = new BaseTypeReader(context);
        accessMethodReader = new AccessMethodReader(context);
        supportObjectReader = new SupportObjectReader(context);
        foreignDataReader = new ForeignDataReader(context);
        catalogPrivilegeReader = new CatalogPrivilegeReader(context);
    }

    /** The names of the schemas this dump covers. */
    List<String> schemaNames() {
        return new ArrayList<>(schemas.values());
    }

    /** Reads everything; throws when the database holds objects the built-in dumper cannot write. */
    List<DumpObject> read() throws EngineException {
        extensionReader.readExtensionMembers();
        relationReader.readUserFunctionCalls();
        schemaObjectReader.readSchemas();
        extensionReader.readExtensions();
        supportObjectReader.readLanguages();
        typeReader.readCollations();
        typeReader.readTypes();
        baseTypeReader.readBaseTypes();
        routineReader.readFunctions();
        supportObjectReader.readTransforms();
        routineReader.readOperators();
        routineReader.readCasts();
        accessMethodReader.readAccessMethods();
        accessMethodReader.readOperatorFamilies();
        accessMethodReader.readOperatorClasses();
        supportObjectReader.readConversions();
        supportObjectReader.readTextSearchParsersAndTemplates();
        schemaObjectReader.readTextSearch();
        foreignDataReader.readForeignDataWrappers();
        foreignDataReader.readForeignServers();
        relationReader.readRelations();
        foreignDataReader.readForeignTables();
        relationReader.readRelationExtras();
        relationReader.readColumns();
        relationReader.readSequences();
        tableObjectReader.readConstraints();
        relationDefinitions.buildRelationObjects();
        foreignDataReader.buildForeignTables();
        relationReader.readMaterializedViewOrder();
        tableObjectReader.commentInlineChecks();
        tableObjectReader.readIndexes();
        tableObjectReader.readTriggers();
        tableObjectReader.readClonedTriggerStates();
        tableObjectReader.readRules();
        tableObjectReader.readPolicies();
        tableObjectReader.readStatisticsObjects();
        schemaObjectReader.readPublications();
        if (filter.wholeDatabase()) {
            schemaObjectReader.readEventTriggers();
            schemaObjectReader.readSubscriptions();
            schemaObjectReader.readDatabaseProperties();
            schemaObjectReader.readLargeObjects();
        }
        privilegeReader.readDefaultPrivileges();
        privilegeReader.readExtensionMemberPrivileges();
        catalogPrivilegeReader.readCatalogPrivileges();
        privilegeReader.refuseSecurityLabels();
        extensionReader.readExtensionConfiguration();
        extensionReader.readExtensionMemberComments();
        if (!unsupported.isEmpty()) {
            List<String> names = new ArrayList<>(unsupported);
            String shown = String.join(", ", names.subList(0, Math.min(8, names.size())))
                    + (names.size() > 8 ? " and " + (names.size() - 8) + " more" : "");
            throw new EngineException("the built-in PostgreSQL dumper cannot dump " + shown
                    + "; use --dumper pg_dump, or leave the schema out with --exclude-schema");
        }
        readDependencies();
        baseTypeReader.breakTypeFunctionLoops();
        return new ArrayList<>(objects.values());
    }

    private void readDependencies() throws EngineException {
        q.forEach("dependencies", """
                SELECT (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = classid), objid,
                       (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = refclassid), refobjid, deptype
                FROM pg_catalog.pg_depend
                WHERE objid >= 16384 AND refobjid >= 16384 AND deptype IN ('n', 'a')""", rs -> {
            String from = resolve(key(rs.getString(1), rs.getLong(2)));
            String to = resolve(key(rs.getString(3), rs.getLong(4)));
            DumpObject o = objects.get(from);
            if (o == null || from.equals(to) || !objects.containsKey(to)) {
                return;
            }
            // A sequence OWNED BY a column is created before its table; the OWNED BY entry comes after both.
            if (o.kind == Kind.SEQUENCE && rs.getString(5).equals("a")) {
                return;
            }
            o.dependsOn(to);
        });
        // Every object needs its schema; ACLs, comments and attachments already name their owners.
        for (DumpObject o : objects.values()) {
            if (o.schema != null) {
                long nsp = schemaOid(o.schema);
                if (nsp != 0) {
                    o.dependsOn(key("pg_namespace", nsp));
                }
            }
        }
    }
}
