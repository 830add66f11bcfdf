package dev.dbbackup.storage.s3;

import java.util.Locale;

/**
 * A bucket and a key prefix, written {@code s3://bucket/prefix}. The prefix is empty or ends with '/', so
 * {@code prefix + key} is the object name of a store key.
 */
public record S3Location(String bucket, String prefix) {

    public S3Location {
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("has no bucket");
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
    }

    /**
     * Parses {@code s3://bucket}, {@code s3://bucket/} or {@code s3://bucket/some/prefix}. Credentials inside the URL are
     * refused (they would end up in process lists and logs); the message never repeats them.
     */
    public static S3Location parse(String url) {
        String value = url.strip();
        if (!value.toLowerCase(Locale.ROOT).startsWith("s3://")) {
            throw new IllegalArgumentException("must start with s3:// (e.g. s3://my-bucket/db-backups)");
        }
        String rest = value.substring(5);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.contains("@") || bucket.contains(":")) {
            throw new IllegalArgumentException("must not hold credentials or a host; use s3://bucket/prefix with"
                    + " BACKUP_OFFSITE_ACCESS_KEY_ID, BACKUP_OFFSITE_SECRET_ACCESS_KEY and BACKUP_OFFSITE_ENDPOINT");
        }
        if (!bucket.matches("[A-Za-z0-9][A-Za-z0-9._-]{1,254}")) {
            throw new IllegalArgumentException("names no valid bucket (letters, digits, '.', '-' and '_', at least 2)");
        }
        while (prefix.startsWith("/")) {
            prefix = prefix.substring(1);
        }
        if (prefix.contains("//") || prefix.contains("\\")) {
            throw new IllegalArgumentException("has an empty folder or a backslash in its prefix");
        }
        return new S3Location(bucket, prefix);
    }

    /** The object name of a store key. */
    public String objectKey(String key) {
        return prefix + key;
    }

    /** The URL of a store key: {@code s3://bucket/prefix/key}. */
    public String url(String key) {
        return "s3://" + bucket + "/" + prefix + key;
    }

    /** Whether an object name lies under this prefix; then {@code objectKey.substring(prefix.length())} is its store key. */
    public boolean contains(String objectKey) {
        return objectKey.startsWith(prefix) && objectKey.length() > prefix.length();
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix;
    }
}
