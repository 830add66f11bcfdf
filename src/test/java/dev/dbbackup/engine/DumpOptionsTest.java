package dev.dbbackup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DumpOptionsTest {

    private static final DumpOptions OPTIONS = new DumpOptions(List.of("app"), List.of("audit"), List.of("app.log"), true, true, 4,
            DumpProgress.NONE, DumpOptions.Dumper.PG_DUMP, Path.of("/var/backups"));

    @Test
    void withProgressKeepsEveryOtherOption() {
        DumpProgress progress = (table, rows) -> { };
        DumpOptions changed = OPTIONS.withProgress(progress);
        assertSame(progress, changed.progress());
        assertEquals(new DumpOptions(OPTIONS.schemas(), OPTIONS.excludeSchemas(), OPTIONS.excludeTableData(), OPTIONS.noOwner(),
                OPTIONS.noPrivileges(), OPTIONS.jobs(), progress, OPTIONS.dumper(), OPTIONS.spillDirectory()), changed,
                "a backup's progress display must not change what is dumped or by which dumper");
    }

    @Test
    void withSpillDirectoryAndWithDumperKeepEveryOtherOption() {
        Path other = Path.of("/tmp");
        assertEquals(new DumpOptions(OPTIONS.schemas(), OPTIONS.excludeSchemas(), OPTIONS.excludeTableData(), OPTIONS.noOwner(),
                OPTIONS.noPrivileges(), OPTIONS.jobs(), OPTIONS.progress(), OPTIONS.dumper(), other), OPTIONS.withSpillDirectory(other));
        assertEquals(new DumpOptions(OPTIONS.schemas(), OPTIONS.excludeSchemas(), OPTIONS.excludeTableData(), OPTIONS.noOwner(),
                OPTIONS.noPrivileges(), OPTIONS.jobs(), OPTIONS.progress(), DumpOptions.Dumper.BUILT_IN, OPTIONS.spillDirectory()),
                OPTIONS.withDumper(DumpOptions.Dumper.BUILT_IN));
    }
}
