package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpOptions;

import java.sql.Connection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the catalog readers of one dump share: the connection's queries, the options, the server version, the
 * dump objects built so far (keyed by catalog address, e.g. "pg_class:16390"), the aliases that map a sub-object's
 * address to the object that creates it, and what earlier readers learned (schemas, relations, extension members).
 * The readers run one after another on one thread, in the order {@link PostgresCatalog#read()} calls them.
 */
final class CatalogContext {

    final CatalogQueries q;
    final DumpOptions options;
    /** server_version_num, e.g. 150018. */
    final int version;
    final SchemaFilter filter;

    final Map<String, DumpObject> objects = new LinkedHashMap<>();
    /** Catalog address (e.g. "pg_type:123") of a sub-object to the key of the dump object that creates it. */
    final Map<String, String> alias = new HashMap<>();
    final Set<String> extensionMembers = new HashSet<>();
    /** Defaults and constraints that call user functions: written after the table, so a function may use the table. */
    final Set<String> callsUserFunction = new HashSet<>();
    /** Objects the server creates along with another one (multirange constructors and casts, ...). */
    final Set<String> internalMembers = new HashSet<>();
    /** The schemas the dump covers, by oid. */
    final Map<Long, String> schemas = new TreeMap<>();
    final Map<Long, Relation> relations = new LinkedHashMap<>();
    /** Objects the built-in dumper cannot write, as "kind schema.name". */
    final Set<String> unsupported = new TreeSet<>();
    /** The oids of {@link #schemas} as an {@code oid[]} parameter; set once the schemas are read. */
    String schemaOids;

    CatalogContext(Connection connection, DumpOptions options, int version) {
        this.q = new CatalogQueries(connection);
        this.options = options;
        this.version = version;
        this.filter = new SchemaFilter(options);
    }
}
