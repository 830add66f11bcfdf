package dev.dbbackup.engine;

import java.util.List;

/**
 * Engine-independent dump options; engines ignore what they do not support.
 * {@code dumper}: which program writes a PostgreSQL dump (the built-in one unless --dumper pg_dump).
 * {@code readAhead}: where --jobs may keep rows read ahead of the writer beyond memory (null: nowhere, workers wait).
 */
public record DumpOptions(List<String> schemas, List<String> excludeSchemas, List<String> excludeTableData,
                          boolean noOwner, boolean noPrivileges, int jobs, DumpProgress progress, Dumper dumper,
                          ReadAheadSpace readAhead) {

    /** --dumper: the built-in JDBC dumper, or the pg_dump found on PATH. */
    public enum Dumper { BUILT_IN, PG_DUMP }

    /** The options without a dumper choice: the built-in dumper. */
    public DumpOptions(List<String> schemas, List<String> excludeSchemas, List<String> excludeTableData,
                       boolean noOwner, boolean noPrivileges, int jobs, DumpProgress progress) {
        this(schemas, excludeSchemas, excludeTableData, noOwner, noPrivileges, jobs, progress, Dumper.BUILT_IN);
    }

    /** The options without room to read ahead beyond memory. */
    public DumpOptions(List<String> schemas, List<String> excludeSchemas, List<String> excludeTableData,
                       boolean noOwner, boolean noPrivileges, int jobs, DumpProgress progress, Dumper dumper) {
        this(schemas, excludeSchemas, excludeTableData, noOwner, noPrivileges, jobs, progress, dumper, null);
    }

    public static DumpOptions defaults() {
        return new DumpOptions(List.of(), List.of(), List.of(), false, false, 1, DumpProgress.NONE, Dumper.BUILT_IN);
    }

    /** The copy methods below must copy every other component (keep them in step with the record). */
    public DumpOptions withDumper(Dumper other) {
        return new DumpOptions(schemas, excludeSchemas, excludeTableData, noOwner, noPrivileges, jobs, progress, other, readAhead);
    }

    public DumpOptions withProgress(DumpProgress other) {
        return new DumpOptions(schemas, excludeSchemas, excludeTableData, noOwner, noPrivileges, jobs, other, dumper, readAhead);
    }

    public DumpOptions withReadAhead(ReadAheadSpace space) {
        return new DumpOptions(schemas, excludeSchemas, excludeTableData, noOwner, noPrivileges, jobs, progress, dumper, space);
    }
}
