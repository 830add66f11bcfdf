package dev.dbbackup.config;

import dev.dbbackup.retention.RetentionPolicy;
import dev.dbbackup.storage.s3.S3Location;
import dev.dbbackup.storage.s3.S3StoreConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The validated offsite settings (BACKUP_OFFSITE_*). The connection settings stand on their own so a restore can
 * read {@code s3://…} URLs even where BACKUP_OFFSITE_URL is not set (a rebuilt server).
 *
 * @param location        BACKUP_OFFSITE_URL; empty when no offsite store is configured
 * @param mode            what {@code backup} does offsite
 * @param retention       the offsite store's own counts (default: the local ones)
 * @param staleUploadAge  unfinished uploads older than this are leftovers of killed runs and are aborted; zero aborts
 *                        every unfinished upload under the prefix (when no other host writes there)
 */
public record OffsiteSettings(Optional<S3Location> location, Optional<URI> endpoint, String region, boolean pathStyle,
                              Optional<S3StoreConfig.StaticKeys> keys, Optional<String> serverSideEncryption,
                              Optional<String> kmsKeyId, Optional<String> storageClass, int partSize, S3StoreConfig.Verify verify,
                              Mode mode, RetentionPolicy retention, Duration staleUploadAge) {

    /** {@code copy}: write locally, then copy offsite; {@code only}: stream straight to the offsite store; {@code off}. */
    public enum Mode { OFF, COPY, ONLY }

    /** No offsite store: what settings built without BACKUP_OFFSITE_* hold. */
    public static OffsiteSettings none(RetentionPolicy localRetention) {
        return new OffsiteSettings(Optional.empty(), Optional.empty(), "us-east-1", false, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), S3StoreConfig.DEFAULT_PART_SIZE, S3StoreConfig.Verify.FULL, Mode.OFF,
                localRetention, Duration.ofHours(24));
    }

    public boolean configured() {
        return location.isPresent();
    }

    /** The configured offsite store; a usage error naming BACKUP_OFFSITE_URL when there is none. */
    public S3StoreConfig store() {
        return storeAt(location.orElseThrow(() -> new ConfigException("no offsite store is configured",
                "set BACKUP_OFFSITE_URL=s3://bucket/prefix (and BACKUP_OFFSITE_ENDPOINT for a non-AWS server); see docs/offsite.md")));
    }

    /** The same connection for any bucket and prefix. */
    public S3StoreConfig storeAt(S3Location where) {
        return new S3StoreConfig(where, endpoint, region, pathStyle, keys, serverSideEncryption, kmsKeyId, storageClass, partSize, verify);
    }

    @Override
    public String toString() {
        return "OffsiteSettings[" + location.map(Object::toString).orElse("not configured") + ", mode " + mode + "]";
    }
}
