package dev.dbbackup.engine;

import java.util.List;

/** Engine-independent dump options; engines ignore what they do not support. */
public record DumpOptions(List<String> schemas, List<String> excludeSchemas, List<String> excludeTableData,
                          boolean noOwner, boolean noPrivileges, int jobs, DumpProgress progress) {

    public static DumpOptions defaults() {
        return new DumpOptions(List.of(), List.of(), List.of(), false, false, 1, DumpProgress.NONE);
    }

    /** The same options reporting to {@code other}; must copy every other component (keep it in step with the record). */
    public DumpOptions withProgress(DumpProgress other) {
        return new DumpOptions(schemas, excludeSchemas, excludeTableData, noOwner, noPrivileges, jobs, other);
    }
}
