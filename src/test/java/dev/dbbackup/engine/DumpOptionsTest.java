package dev.dbbackup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

class DumpOptionsTest {

    @Test
    void withProgressKeepsEveryOtherOption() {
        DumpOptions options = new DumpOptions(List.of("app"), List.of("audit"), List.of("app.log"), true, true, 4,
                DumpProgress.NONE, DumpOptions.Dumper.PG_DUMP);
        DumpProgress progress = (table, rows) -> { };
        DumpOptions changed = options.withProgress(progress);
        assertSame(progress, changed.progress());
        assertEquals(new DumpOptions(options.schemas(), options.excludeSchemas(), options.excludeTableData(), options.noOwner(),
                options.noPrivileges(), options.jobs(), progress, options.dumper()), changed,
                "a backup's progress display must not change what is dumped or by which dumper");
    }
}
