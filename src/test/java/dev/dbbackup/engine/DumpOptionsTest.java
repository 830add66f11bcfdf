package dev.dbbackup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

class DumpOptionsTest {

    /** Room that never takes a row: only its identity matters here. */
    private static final ReadAheadSpace SPACE = new ReadAheadSpace() {
        @Override
        public Segment open(int bytes) {
            return null;
        }

        @Override
        public String failure() {
            return null;
        }

        @Override
        public long peak() {
            return 0;
        }

        @Override
        public long limit() {
            return 0;
        }
    };

    private static final DumpOptions OPTIONS = new DumpOptions(List.of("app"), List.of("audit"), List.of("app.log"), true, true, 4,
            DumpProgress.NONE, DumpOptions.Dumper.PG_DUMP, SPACE);

    @Test
    void withProgressKeepsEveryOtherOption() {
        DumpProgress progress = (table, rows) -> { };
        DumpOptions changed = OPTIONS.withProgress(progress);
        assertSame(progress, changed.progress());
        assertEquals(new DumpOptions(OPTIONS.schemas(), OPTIONS.excludeSchemas(), OPTIONS.excludeTableData(), OPTIONS.noOwner(),
                OPTIONS.noPrivileges(), OPTIONS.jobs(), progress, OPTIONS.dumper(), OPTIONS.readAhead()), changed,
                "a backup's progress display must not change what is dumped or by which dumper");
    }

    @Test
    void withReadAheadAndWithDumperKeepEveryOtherOption() {
        assertEquals(new DumpOptions(OPTIONS.schemas(), OPTIONS.excludeSchemas(), OPTIONS.excludeTableData(), OPTIONS.noOwner(),
                OPTIONS.noPrivileges(), OPTIONS.jobs(), OPTIONS.progress(), OPTIONS.dumper(), null), OPTIONS.withReadAhead(null));
        assertEquals(new DumpOptions(OPTIONS.schemas(), OPTIONS.excludeSchemas(), OPTIONS.excludeTableData(), OPTIONS.noOwner(),
                OPTIONS.noPrivileges(), OPTIONS.jobs(), OPTIONS.progress(), DumpOptions.Dumper.BUILT_IN, SPACE),
                OPTIONS.withDumper(DumpOptions.Dumper.BUILT_IN));
    }
}
