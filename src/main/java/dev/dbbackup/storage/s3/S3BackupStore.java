package dev.dbbackup.storage.s3;

import dev.dbbackup.storage.BackupStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * A backup store in an S3-compatible bucket under a prefix. Large objects are streamed as multipart uploads of
 * bounded parts (memory stays flat whatever the backup size); a pending object becomes visible only when its upload
 * is completed by {@link PendingObject#commit(String)}, which never replaces an existing object; an upload that
 * fails or is closed without commit is aborted. After each upload the object is checked against the SHA-256 of the
 * bytes that were sent (read back, or by size only when so configured).
 */
public final class S3BackupStore implements BackupStore, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(S3BackupStore.class);

    /** Folder of temporary objects (a pending object committed under another key than it was started for). */
    static final String TEMP_FOLDER = ".dbbackup-tmp/";
    private static final long MAX_SMALL = 16L * 1024 * 1024;

    private final S3StoreConfig config;
    private final S3Client client;
    /** Cleared when the server answers If-None-Match with 501 Not Implemented; existence is then checked before writing. */
    private volatile boolean conditionalWrites = true;

    public S3BackupStore(S3StoreConfig config) {
        this.config = config;
        this.client = buildClient(config);
    }

    private static S3Client buildClient(S3StoreConfig config) {
        AwsCredentialsProvider credentials = config.keys()
                .<AwsCredentialsProvider>map(k -> StaticCredentialsProvider.create(AwsBasicCredentials.create(k.accessKeyId(), k.secretAccessKey())))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(8)
                        .connectionTimeout(Duration.ofSeconds(15))
                        .socketTimeout(Duration.ofMinutes(5)))
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyle())
                .credentialsProvider(credentials)
                // Many S3-compatible servers reject the SDK's default CRC trailers; parts carry Content-MD5 instead.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (config.endpoint().isPresent()) {
            builder.endpointOverride(config.endpoint().get());
        } else {
            builder.crossRegionAccessEnabled(true);
        }
        return builder.build();
    }

    public S3StoreConfig config() {
        return config;
    }

    S3Client client() {
        return client;
    }

    boolean conditionalWrites() {
        return conditionalWrites;
    }

    void conditionalWritesUnsupported() {
        if (conditionalWrites) {
            LOG.infof("%s does not support conditional writes (If-None-Match); checking for an existing object before each write instead",
                    describe());
        }
        conditionalWrites = false;
    }

    String objectKey(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.contains("//") || key.startsWith(TEMP_FOLDER)) {
            throw new IllegalArgumentException("not a store key: " + key);
        }
        for (String part : key.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("key escapes the store: " + key);
            }
        }
        return config.location().objectKey(key);
    }

    @Override
    public PendingObject create() {
        return new S3PendingObject(this, null);
    }

    @Override
    public PendingObject create(String intendedKey) {
        objectKey(intendedKey);
        return new S3PendingObject(this, intendedKey);
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        S3Location location = config.location();
        List<StoredObject> objects = new ArrayList<>();
        try {
            for (S3Object object : client.listObjectsV2Paginator(r -> r.bucket(location.bucket()).prefix(location.prefix() + prefix)).contents()) {
                String key = object.key().substring(location.prefix().length());
                if (key.isEmpty() || key.startsWith(TEMP_FOLDER) || key.endsWith("/")) {
                    continue;
                }
                objects.add(new StoredObject(key, object.size(), object.lastModified()));
            }
        } catch (SdkException e) {
            throw S3Failures.io("listing " + location.url(prefix), e, config);
        }
        objects.sort(Comparator.comparing(StoredObject::key));
        return objects;
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        return head(objectKey(key)).map(h -> new StoredObject(key, h.contentLength(), h.lastModified()));
    }

    Optional<HeadObjectResponse> head(String objectKey) throws IOException {
        try {
            return Optional.of(client.headObject(r -> r.bucket(config.location().bucket()).key(objectKey)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            if (S3Failures.isStatus(e, 404)) {
                return Optional.empty();
            }
            throw S3Failures.io("looking up s3://" + config.location().bucket() + "/" + objectKey, explainHead(e), config);
        }
    }

    /** A HEAD answer has no body, so a refusal carries no reason; a one-key listing asks the server for it. */
    private SdkException explainHead(SdkException e) {
        if (!S3Failures.isStatus(e, 403) && !S3Failures.isStatus(e, 400)) {
            return e;
        }
        try {
            client.listObjectsV2(r -> r.bucket(config.location().bucket()).prefix(config.location().prefix()).maxKeys(1));
            return e;
        } catch (SdkException withReason) {
            return withReason;
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            return new AbortingInputStream(client.getObject(r -> r.bucket(config.location().bucket()).key(objectKey)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(locate(key));
        } catch (SdkException e) {
            throw S3Failures.io("download of " + locate(key), e, config);
        }
    }

    /** Stops reading a download that is closed before its end instead of draining the rest of a large object. */
    private static final class AbortingInputStream extends FilterInputStream {
        private final ResponseInputStream<GetObjectResponse> response;
        private boolean ended;

        AbortingInputStream(ResponseInputStream<GetObjectResponse> response) {
            super(response);
            this.response = response;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                response.abort();
            }
            super.close();
        }
    }

    @Override
    public void delete(String key) throws IOException {
        deleteObject(objectKey(key));
    }

    void deleteObject(String objectKey) throws IOException {
        try {
            client.deleteObject(r -> r.bucket(config.location().bucket()).key(objectKey));
        } catch (SdkException e) {
            if (!S3Failures.isStatus(e, 404)) {
                throw S3Failures.io("delete of s3://" + config.location().bucket() + "/" + objectKey, e, config);
            }
        }
    }

    /** Small objects (manifests) are written in one request, which S3 makes visible atomically. */
    @Override
    public void writeSmall(String key, byte[] content) throws IOException {
        String objectKey = objectKey(key);
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(config.location().bucket()).key(objectKey)
                .contentType("application/json").contentMD5(md5Base64(content, content.length));
        encryption(request);
        try {
            client.putObject(request.build(), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw S3Failures.io("upload of " + locate(key), e, config);
        }
    }

    @Override
    public byte[] readSmall(String key) throws IOException {
        try (InputStream in = open(key)) {
            byte[] content = in.readNBytes((int) MAX_SMALL + 1);
            if (content.length > MAX_SMALL) {
                throw new IOException(locate(key) + " is larger than " + MAX_SMALL + " bytes: not a manifest");
            }
            return content;
        }
    }

    @Override
    public String describe() {
        return config.location().toString() + config.endpoint().map(e -> " (endpoint " + e + ")").orElse("");
    }

    @Override
    public String locate(String key) {
        return config.location().url(key);
    }

    /** The SHA-256 of an object's bytes as stored, read from the server. */
    public String sha256(String key) throws IOException {
        MessageDigest digest = sha256Digest();
        try (InputStream in = open(key)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Aborts multipart uploads and deletes temporary objects under this prefix that were started before
     * {@code cutoff}: the leftovers of runs that were killed. Returns how many were removed.
     */
    public int removeStaleUploads(Instant cutoff) throws IOException {
        S3Location location = config.location();
        int removed = 0;
        try {
            for (ListMultipartUploadsResponse page : client.listMultipartUploadsPaginator(r -> r.bucket(location.bucket()).prefix(location.prefix()))) {
                for (MultipartUpload upload : page.uploads()) {
                    if (upload.initiated() == null || !upload.initiated().isBefore(cutoff)) {
                        continue;
                    }
                    try {
                        client.abortMultipartUpload(r -> r.bucket(location.bucket()).key(upload.key()).uploadId(upload.uploadId()));
                        LOG.infof("aborted an unfinished upload of s3://%s/%s started %s", location.bucket(), upload.key(), upload.initiated());
                        removed++;
                    } catch (SdkException e) {
                        LOG.warnf("could not abort the unfinished upload of s3://%s/%s: %s", location.bucket(), upload.key(),
                                S3Failures.describe(e, config));
                    }
                }
            }
            for (S3Object object : client.listObjectsV2Paginator(r -> r.bucket(location.bucket()).prefix(location.prefix() + TEMP_FOLDER)).contents()) {
                if (object.lastModified().isBefore(cutoff)) {
                    deleteObject(object.key());
                    removed++;
                }
            }
        } catch (SdkException e) {
            throw S3Failures.io("cleaning unfinished uploads under " + location, e, config);
        }
        return removed;
    }

    /** Multipart uploads under this prefix that were started and neither completed nor aborted. */
    public List<String> unfinishedUploads() throws IOException {
        S3Location location = config.location();
        List<String> keys = new ArrayList<>();
        try {
            for (ListMultipartUploadsResponse page : client.listMultipartUploadsPaginator(r -> r.bucket(location.bucket()).prefix(location.prefix()))) {
                page.uploads().forEach(u -> keys.add(u.key()));
            }
        } catch (SdkException e) {
            throw S3Failures.io("listing unfinished uploads under " + location, e, config);
        }
        return keys;
    }

    void encryption(PutObjectRequest.Builder request) {
        config.serverSideEncryption().ifPresent(sse -> request.serverSideEncryption(ServerSideEncryption.fromValue(sse)));
        config.kmsKeyId().ifPresent(request::ssekmsKeyId);
    }

    Optional<StorageClass> storageClass() {
        return config.storageClass().map(StorageClass::fromValue);
    }

    static String md5Base64(byte[] data, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(data, 0, length);
            return Base64.getEncoder().encodeToString(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this Java runtime", e);
        }
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    static FileAlreadyExistsException exists(String url) {
        return new FileAlreadyExistsException(url);
    }

    @Override
    public void close() {
        client.close();
    }
}
