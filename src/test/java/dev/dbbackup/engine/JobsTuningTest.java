package dev.dbbackup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobsTuningTest {

    @AfterEach
    void clear() {
        System.clearProperty(JobsTuning.PART_SIZE_PROPERTY);
        System.clearProperty(JobsTuning.SPILL_LIMIT_PROPERTY);
    }

    @Test
    void withoutThePropertiesTheDefaultsApply() {
        assertEquals(256L << 20, JobsTuning.partSize(256L << 20));
        assertEquals(4L << 30, JobsTuning.spillLimit(4L << 30));
    }

    @Test
    void aNumberOfBytesIsTaken() {
        System.setProperty(JobsTuning.PART_SIZE_PROPERTY, " 8192 ");
        System.setProperty(JobsTuning.SPILL_LIMIT_PROPERTY, "1048576");
        assertEquals(8192, JobsTuning.partSize(256L << 20));
        assertEquals(1048576, JobsTuning.spillLimit(4L << 30));
    }

    @Test
    void aValueThatIsNotAPositiveNumberOfBytesLeavesTheDefault() {
        for (String bad : new String[] {"256MB", "-1", "0", "", "1e6"}) {
            System.setProperty(JobsTuning.PART_SIZE_PROPERTY, bad);
            System.setProperty(JobsTuning.SPILL_LIMIT_PROPERTY, bad);
            assertEquals(256L << 20, JobsTuning.partSize(256L << 20), bad);
            assertEquals(4L << 30, JobsTuning.spillLimit(4L << 30), bad);
        }
    }
}
