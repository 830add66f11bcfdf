package dev.dbbackup.engine.postgres;

import dev.dbbackup.engine.DumpOptions;
import dev.dbbackup.engine.postgres.DumpObject.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The base of the catalog readers: short names for the shared {@link CatalogContext} and the statements every
 * object family writes the same way (owner, comment, privileges). A reader reads one family of objects for every
 * supported server version (12 and later) and adds its {@link DumpObject}s to the context.
 */
abstract class CatalogReader {

    final CatalogContext context;
    final CatalogQueries q;
    final DumpOptions options;
    final int version;
    final SchemaFilter filter;
    final Map<String, DumpObject> objects;
    final Map<String, String> alias;
    final Set<String> extensionMembers;
    final Set<String> callsUserFunction;
    final Set<String> internalMembers;
    final Map<Long, String> schemas;
    final Map<Long, Relation> relations;
    final Set<String> unsupported;

    CatalogReader(CatalogContext context) {
        this.context = context;
        this.q = context.q;
        this.options = context.options;
        this.version = context.version;
        this.filter = context.filter;
        this.objects = context.objects;
        this.alias = context.alias;
        this.extensionMembers = context.extensionMembers;
        this.callsUserFunction = context.callsUserFunction;
        this.internalMembers = context.internalMembers;
        this.schemas = context.schemas;
        this.relations = context.relations;
        this.unsupported = context.unsupported;
    }

    final DumpObject put(DumpObject o) {
        objects.put(o.key, o);
        return o;
    }

    static String key(String catalog, long oid) {
        return catalog + ":" + oid;
    }

    /** Whether the object belongs to an extension or is created along with another object. */
    final boolean member(String catalog, long oid) {
        return extensionMembers.contains(key(catalog, oid)) || internalMembers.contains(key(catalog, oid));
    }

    /** The {@code oid[]} parameter of the dumped schemas, for {@code = ANY(?::oid[])}. */
    final String inSchemas() {
        return context.schemaOids;
    }

    final long schemaOid(String name) {
        for (Map.Entry<Long, String> e : schemas.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        return 0;
    }

    /** The key of the dump object that creates the object at this catalog address (following aliases). */
    final String resolve(String catalogKey) {
        String k = catalogKey;
        for (int i = 0; i < 8 && alias.containsKey(k); i++) {
            k = alias.get(k);
        }
        return k;
    }

    final void owner(DumpObject o, String alterWhat) {
        if (!options.noOwner() && o.owner != null) {
            o.add("ALTER " + alterWhat + " OWNER TO " + SqlText.ident(o.owner) + ";");
        }
    }

    static void comment(DumpObject o, String onWhat, String comment) {
        if (comment != null) {
            o.add("COMMENT ON " + onWhat + " IS " + SqlText.literal(comment) + ";");
        }
    }

    final void acl(DumpObject of, String onClause, List<String> acl, List<String> defaults) {
        if (options.noPrivileges() || acl == null) {
            return;
        }
        List<String> statements = PostgresAcl.statements(onClause, null, acl, defaults);
        if (!statements.isEmpty()) {
            DumpObject a = aclObject(of);
            statements.forEach(a::add);
        }
    }

    /** The privileges of a relation and of its columns, in the ACL entry of {@code o}. */
    final void relationAcl(Relation r, DumpObject o, String word) {
        if (options.noPrivileges()) {
            return;
        }
        List<String> statements = new ArrayList<>();
        if (r.acl != null) {
            statements.addAll(PostgresAcl.statements("ON " + word + " " + r.qualified(), null, r.acl, r.defaultAcl));
        }
        for (Relation.Column c : r.columns) {
            if (c.acl != null) {
                statements.addAll(PostgresAcl.statements("ON " + word + " " + r.qualified(), " (" + SqlText.ident(c.name) + ")",
                        c.acl, List.of()));
            }
        }
        if (!statements.isEmpty()) {
            DumpObject a = aclObject(o);
            statements.forEach(a::add);
        }
    }

    private DumpObject aclObject(DumpObject of) {
        String k = "acl:" + of.key;
        DumpObject a = objects.get(k);
        if (a == null) {
            a = put(new DumpObject(k, Kind.ACL, of.schema, of.name, of.owner));
            a.dependsOn(of.key);
        }
        return a;
    }
}
