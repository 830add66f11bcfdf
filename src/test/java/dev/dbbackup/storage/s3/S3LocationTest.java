package dev.dbbackup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class S3LocationTest {

    @Test
    void bucketAndPrefixAreSplitAndThePrefixEndsWithASlash() {
        S3Location location = S3Location.parse("s3://my-bucket/team/db-backups");
        assertEquals("my-bucket", location.bucket());
        assertEquals("team/db-backups/", location.prefix());
        assertEquals("team/db-backups/daily/a.sql.gz", location.objectKey("daily/a.sql.gz"));
        assertEquals("s3://my-bucket/team/db-backups/daily/a.sql.gz", location.url("daily/a.sql.gz"));
    }

    @Test
    void aBareBucketHasAnEmptyPrefix() {
        assertEquals("", S3Location.parse("s3://my-bucket").prefix());
        assertEquals("", S3Location.parse("s3://my-bucket/").prefix());
        assertEquals("p/", S3Location.parse("S3://my-bucket/p/").prefix());
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutRepeatingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> S3Location.parse("s3://AKIAXXXX:supersecret@my-bucket/p"));
        assertFalse(e.getMessage().contains("supersecret"));
        assertTrue(e.getMessage().contains("BACKUP_OFFSITE_ACCESS_KEY_ID"));
    }

    @Test
    void otherSchemesAndEmptyBucketsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> S3Location.parse("https://my-bucket/p"));
        assertThrows(IllegalArgumentException.class, () -> S3Location.parse("s3:///p"));
        assertThrows(IllegalArgumentException.class, () -> S3Location.parse("s3://b//p"));
    }

    @Test
    void containsTellsWhetherAnObjectLiesUnderThePrefix() {
        S3Location location = S3Location.parse("s3://bk/base");
        assertTrue(location.contains("base/daily/a.sql.gz"));
        assertFalse(location.contains("base-other/daily/a.sql.gz"));
        assertFalse(location.contains("base/"));
    }
}
