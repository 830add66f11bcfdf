package dev.dbbackup.engine.postgres;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A table, view, materialized view or sequence (pg_class) as {@link RelationReader} reads it, with its columns,
 * the parts that {@link RelationDefinitions} and {@link TableObjectReader} need to write it, and its comment and
 * privileges. Identity sequences get kind 'I' once their owning column is known.
 */
final class Relation {
    long oid;
    String schema;
    String name;
    char kind;
    char persistence;
    String owner;
    boolean isPartition;
    String partitionBound;
    String partitionKey;
    String ofType;
    char replicaIdentity;
    boolean rowSecurity;
    boolean forceRowSecurity;
    boolean populated;
    String viewDefinition;
    List<String> options;
    List<String> toastOptions;
    /** The tablespace the relation is stored in, or null for the database's default. */
    String tablespace;
    String accessMethod;
    final List<Long> parents = new ArrayList<>();
    final List<Column> columns = new ArrayList<>();
    final List<String> inlineChecks = new ArrayList<>();
    /** Validated CHECK constraints an inheritance child has only from its parents: name, definition. */
    final List<String[]> inheritedChecks = new ArrayList<>();
    final Map<String, String> notNullNames = new HashMap<>();
    String identitySequenceStatement;
    final List<Relation> identitySequences = new ArrayList<>();
    /** COMMENT ON the relation, its privileges (relacl) and the owner's default privileges they are compared with. */
    String comment;
    List<String> acl;
    List<String> defaultAcl;

    String qualified() {
        return SqlText.qualified(schema, name);
    }

    Column column(String columnName) {
        for (Column c : columns) {
            if (c.name.equals(columnName)) {
                return c;
            }
        }
        return null;
    }

    static final class Column {
        int number;
        String name;
        String type;
        boolean notNull;
        boolean local;
        int inheritCount;
        char identity;
        char generated;
        long defaultOid;
        String defaultExpression;
        String collation;
        char storage;
        char typeStorage;
        Integer statisticsTarget;
        String compression;
        List<String> options;
        List<String> acl;
        String comment;
    }
}
