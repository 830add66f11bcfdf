package dev.dbbackup.engine.postgres;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One entry of a dump: its statements, its place in pg_dump's order and what it depends on. */
final class DumpObject {

    /** Kinds in pg_dump's order; objects of a lower priority come first unless a dependency says otherwise. */
    enum Kind {
        SCHEMA(1, "SCHEMA"),
        PROCEDURAL_LANGUAGE(2, "PROCEDURAL LANGUAGE"),
        COLLATION(3, "COLLATION"),
        TRANSFORM(3, "TRANSFORM"),
        EXTENSION(4, "EXTENSION"),
        SHELL_TYPE(5, "SHELL TYPE"),
        TYPE(5, "TYPE"),
        DOMAIN(5, "DOMAIN"),
        FUNCTION(7, "FUNCTION"),
        PROCEDURE(7, "PROCEDURE"),
        AGGREGATE(8, "AGGREGATE"),
        ACCESS_METHOD(9, "ACCESS METHOD"),
        OPERATOR(9, "OPERATOR"),
        OPERATOR_FAMILY(10, "OPERATOR FAMILY"),
        OPERATOR_CLASS(10, "OPERATOR CLASS"),
        CONVERSION(11, "CONVERSION"),
        CAST(12, "CAST"),
        TEXT_SEARCH_PARSER(13, "TEXT SEARCH PARSER"),
        TEXT_SEARCH_TEMPLATE(13, "TEXT SEARCH TEMPLATE"),
        TEXT_SEARCH_DICTIONARY(14, "TEXT SEARCH DICTIONARY"),
        TEXT_SEARCH_CONFIGURATION(15, "TEXT SEARCH CONFIGURATION"),
        FOREIGN_DATA_WRAPPER(16, "FOREIGN DATA WRAPPER"),
        SERVER(17, "SERVER"),
        USER_MAPPING(18, "USER MAPPING"),
        TABLE(20, "TABLE"),
        FOREIGN_TABLE(20, "FOREIGN TABLE"),
        VIEW(20, "VIEW"),
        MATERIALIZED_VIEW(20, "MATERIALIZED VIEW"),
        SEQUENCE(20, "SEQUENCE"),
        SEQUENCE_OWNED_BY(20, "SEQUENCE OWNED BY"),
        TABLE_ATTACH(21, "TABLE ATTACH"),
        DEFAULT(22, "DEFAULT"),
        LARGE_OBJECT(23, "LARGE OBJECT"),
        TABLE_DATA(30, "TABLE DATA"),
        SEQUENCE_SET(31, "SEQUENCE SET"),
        LARGE_OBJECT_DATA(32, "BLOB DATA"),
        CONSTRAINT(40, "CONSTRAINT"),
        INDEX(41, "INDEX"),
        INDEX_ATTACH(42, "INDEX ATTACH"),
        STATISTICS(43, "STATISTICS"),
        RULE(44, "RULE"),
        TRIGGER(45, "TRIGGER"),
        FK_CONSTRAINT(46, "FK CONSTRAINT"),
        ROW_SECURITY(47, "ROW SECURITY"),
        POLICY(48, "POLICY"),
        PUBLICATION(49, "PUBLICATION"),
        PUBLICATION_TABLE(50, "PUBLICATION TABLE"),
        SUBSCRIPTION(51, "SUBSCRIPTION"),
        EXTENSION_MEMBER_COMMENT(59, "COMMENT"),
        ACL(60, "ACL"),
        DEFAULT_ACL(61, "DEFAULT ACL"),
        EVENT_TRIGGER(70, "EVENT TRIGGER"),
        REFRESH_MATERIALIZED_VIEW(71, "MATERIALIZED VIEW DATA"),
        DATABASE_PROPERTIES(72, "DATABASE PROPERTIES");

        final int priority;
        final String label;

        Kind(int priority, String label) {
            this.priority = priority;
            this.label = label;
        }
    }

    final String key;
    final Kind kind;
    final String schema;
    final String name;
    final String owner;
    final List<String> statements = new ArrayList<>();
    final Set<String> dependsOn = new LinkedHashSet<>();
    /** For TABLE_DATA: the table to copy. */
    TableData data;
    /** For LARGE_OBJECT_DATA: the large object's oid. */
    long largeObject;
    /** For SEQUENCE_SET: the sequence to read. */
    String sequenceName;

    DumpObject(String key, Kind kind, String schema, String name, String owner) {
        this.key = key;
        this.kind = kind;
        this.schema = schema;
        this.name = name;
        this.owner = owner;
    }

    DumpObject add(String statement) {
        statements.add(statement);
        return this;
    }

    DumpObject dependsOn(String otherKey) {
        if (otherKey != null && !otherKey.equals(key)) {
            dependsOn.add(otherKey);
        }
        return this;
    }

    /** A readable name for messages: "table public.film". */
    String describe() {
        return kind.label.toLowerCase() + " " + (schema == null ? name : schema + "." + name);
    }

    /** The table whose rows a TABLE_DATA entry copies. */
    record TableData(long oid, String schema, String table, List<String> columns, String condition) {

        TableData(long oid, String schema, String table, List<String> columns) {
            this(oid, schema, table, columns, null);
        }

        /** The COPY ... TO STDOUT that reads the rows; extension configuration tables copy only the rows their condition selects. */
        String copyOutSql() {
            if (condition == null || condition.isBlank()) {
                return "COPY " + qualifiedName() + columnList() + " TO STDOUT";
            }
            return copyOutSql(condition);
        }

        /** The COPY ... TO STDOUT of the rows {@code filter} ("WHERE ...") selects. */
        String copyOutSql(String filter) {
            String select = columns.isEmpty() ? "*" : columnList().substring(2, columnList().length() - 1);
            return "COPY (SELECT " + select + " FROM ONLY " + qualifiedName() + " " + filter + ") TO STDOUT";
        }

        String qualifiedName() {
            return SqlText.qualified(schema, table);
        }

        /** " (a, b)" or "" for a table without columns, where COPY takes no list. */
        String columnList() {
            if (columns.isEmpty()) {
                return "";
            }
            List<String> quoted = new ArrayList<>();
            for (String c : columns) {
                quoted.add(SqlText.ident(c));
            }
            return " (" + String.join(", ", quoted) + ")";
        }

        String rowCountKey() {
            return schema + "." + table;
        }
    }
}
