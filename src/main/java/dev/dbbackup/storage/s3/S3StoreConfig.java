package dev.dbbackup.storage.s3;

import java.net.URI;
import java.util.Optional;

/**
 * Everything needed to reach one S3-compatible store. {@link #toString()} never shows the secret.
 *
 * @param endpoint     custom endpoint (MinIO, Ceph, B2, R2, Wasabi, GCS interoperability); empty for AWS
 * @param pathStyle    bucket in the path ({@code host/bucket/key}) instead of the host name
 * @param keys         static keys from the settings; empty uses the standard AWS chain (environment, profile,
 *                     web identity, container and instance roles)
 * @param serverSideEncryption {@code AES256}, {@code aws:kms} or {@code aws:kms:dsse}; empty for the bucket default
 * @param kmsKeyId     the KMS key for {@code aws:kms}; empty for the account's default key
 * @param storageClass storage class of backup files (manifests stay STANDARD so listing never needs a thaw)
 * @param partSize     bytes per multipart part at the start (grows for very large uploads; 5 MiB minimum)
 * @param verify       after an upload, read the object back and compare its SHA-256 ({@code FULL}), or only
 *                     its size ({@code SIZE}, no download; each part is still checked by the server with Content-MD5)
 */
public record S3StoreConfig(S3Location location, Optional<URI> endpoint, String region, boolean pathStyle,
                            Optional<StaticKeys> keys, Optional<String> serverSideEncryption, Optional<String> kmsKeyId,
                            Optional<String> storageClass, int partSize, Verify verify) {

    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;

    public enum Verify { FULL, SIZE }

    /** An access key pair; its text form shows neither half. */
    public record StaticKeys(String accessKeyId, String secretAccessKey) {
        @Override
        public String toString() {
            return "StaticKeys[***]";
        }
    }

    public S3StoreConfig {
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("part size must be at least 5 MiB");
        }
    }

    /** The same connection for another bucket or prefix (a restore from a URL outside the configured prefix). */
    public S3StoreConfig at(S3Location other) {
        return new S3StoreConfig(other, endpoint, region, pathStyle, keys, serverSideEncryption, kmsKeyId, storageClass, partSize, verify);
    }

    /** A copy with another verify mode or part size (tests, tuning). */
    public S3StoreConfig withPartSize(int bytes) {
        return new S3StoreConfig(location, endpoint, region, pathStyle, keys, serverSideEncryption, kmsKeyId, storageClass, bytes, verify);
    }

    public S3StoreConfig withVerify(Verify mode) {
        return new S3StoreConfig(location, endpoint, region, pathStyle, keys, serverSideEncryption, kmsKeyId, storageClass, partSize, mode);
    }

    @Override
    public String toString() {
        return "S3StoreConfig[" + location + endpoint.map(e -> " at " + e).orElse("") + ", region " + region
                + (pathStyle ? ", path-style" : "") + (keys.isPresent() ? ", static keys" : ", default credential chain") + "]";
    }
}
