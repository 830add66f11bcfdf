package dev.dbbackup.storage.s3;

import dev.dbbackup.storage.BackupStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * One object being uploaded. Bytes fill a part buffer; a full part is sent while the next one fills (so at most
 * two parts are in memory); everything that fits in one part is sent with a single PUT at commit. The multipart
 * upload is started for the key named at {@link S3BackupStore#create(String)} — S3 fixes the key before the first
 * part — or, when none was named or that key is already taken, for a temporary object that commit copies into place.
 */
final class S3PendingObject implements BackupStore.PendingObject {

    private static final Logger LOG = Logger.getLogger(S3PendingObject.class);
    private static final int FIRST_BUFFER = 64 * 1024;
    private static final int MAX_PARTS = 10_000;
    private static final long MAX_COPY = 5L * 1024 * 1024 * 1024;

    private final S3BackupStore store;
    private final S3StoreConfig config;
    private final String bucket;
    private final String intendedKey;
    private final MessageDigest sha256 = S3BackupStore.sha256Digest();
    private final OutputStream output = new PartOutput();
    private final List<CompletedPart> parts = new ArrayList<>();

    private byte[] buffer = new byte[FIRST_BUFFER];
    private int filled;
    private long total;
    private int nextPart = 1;
    private String uploadId;
    private String uploadObjectKey;
    private boolean uploadIsTemporary;
    private boolean partsFinished;
    private boolean completed;
    private volatile boolean committed;
    private volatile boolean closed;
    private boolean discarded;
    private IOException failure;
    private String storedSha256;
    private ExecutorService sender;
    private volatile Future<CompletedPart> inFlight;
    private byte[] inFlightBuffer;
    private Thread abortOnExit;

    S3PendingObject(S3BackupStore store, String intendedKey) {
        this.store = store;
        this.config = store.config();
        this.bucket = config.location().bucket();
        this.intendedKey = intendedKey;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    /** Closing the output (the pipeline closes its compressor) neither commits nor aborts. */
    private final class PartOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            append(b, off, len);
        }
    }

    /** The size of part {@code number}: the configured size, doubled every 1000 parts up to 8×, so 10,000 parts hold ~60× the first 1000. */
    private int partSize(int number) {
        int doublings = Math.min(3, (number - 1) / 1000);
        return (int) Math.min(Integer.MAX_VALUE - 16, (long) config.partSize() << doublings);
    }

    private void append(byte[] b, int off, int len) throws IOException {
        ensureWritable();
        sha256.update(b, off, len);
        total += len;
        while (len > 0) {
            int target = partSize(nextPart);
            if (filled == buffer.length && buffer.length < target) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(target, Math.max(2L * buffer.length, (long) filled + len)));
            }
            int n = Math.min(len, Math.min(buffer.length, target) - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == target) {
                sendPart();
            }
        }
    }

    private void ensureWritable() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (committed || closed || partsFinished) {
            throw new IOException("the upload is already " + (committed ? "committed" : closed ? "closed" : "finished"));
        }
    }

    private void sendPart() throws IOException {
        try {
            if (closed) {
                throw new IOException("the upload was stopped");
            }
            if (uploadId == null) {
                startUpload();
            }
            if (nextPart > MAX_PARTS) {
                throw new IOException("the upload needs more than " + MAX_PARTS + " parts; raise BACKUP_OFFSITE_PART_SIZE");
            }
            byte[] free = awaitInFlight();
            byte[] data = buffer;
            int length = filled;
            int number = nextPart++;
            String md5 = S3BackupStore.md5Base64(data, length);
            inFlightBuffer = data;
            inFlight = sender().submit(() -> uploadPart(number, data, length, md5));
            int nextSize = partSize(nextPart);
            buffer = free != null && free.length >= nextSize ? free : new byte[nextSize];
            filled = 0;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    private void startUpload() throws IOException {
        String target = intendedKey == null ? null : store.objectKey(intendedKey);
        if (target != null && store.head(target).isPresent()) {
            target = null;
        }
        uploadIsTemporary = target == null;
        uploadObjectKey = target != null ? target : config.location().prefix() + S3BackupStore.TEMP_FOLDER + UUID.randomUUID();
        CreateMultipartUploadRequest.Builder request = CreateMultipartUploadRequest.builder().bucket(bucket).key(uploadObjectKey)
                .contentType("application/octet-stream");
        config.serverSideEncryption().ifPresent(sse -> request.serverSideEncryption(ServerSideEncryption.fromValue(sse)));
        config.kmsKeyId().ifPresent(request::ssekmsKeyId);
        store.storageClass().ifPresent(request::storageClass);
        // Registered first, so a stop (SIGTERM) right after the upload starts still aborts it.
        abortOnExit = new Thread(this::abortOnExit, "dbbackup-abort-upload");
        try {
            Runtime.getRuntime().addShutdownHook(abortOnExit);
        } catch (IllegalStateException e) {
            abortOnExit = null;
            throw new IOException("not starting the upload of " + url(uploadObjectKey) + ": the process is stopping");
        }
        String id;
        try {
            id = store.client().createMultipartUpload(request.build()).uploadId();
        } catch (SdkException e) {
            throw S3Failures.io("starting the upload of " + url(uploadObjectKey), e, config);
        }
        synchronized (this) {
            uploadId = id;
            if (closed) {
                // stopped while the upload was being created: the exit hook has already run and found nothing
                abortQuietly();
                throw new IOException("the upload of " + url(uploadObjectKey) + " was stopped");
            }
        }
    }

    private CompletedPart uploadPart(int number, byte[] data, int length, String md5) {
        UploadPartResponse response = store.client().uploadPart(r -> r.bucket(bucket).key(uploadObjectKey).uploadId(uploadId)
                        .partNumber(number).contentLength((long) length).contentMD5(md5),
                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream"));
        return CompletedPart.builder().partNumber(number).eTag(response.eTag()).build();
    }

    /** Waits for the part being sent; returns its buffer for reuse. */
    private byte[] awaitInFlight() throws IOException {
        if (inFlight == null) {
            return null;
        }
        try {
            parts.add(inFlight.get());
            return inFlightBuffer;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SdkException sdk) {
                throw S3Failures.io("upload of part " + (parts.size() + 1) + " of " + url(uploadObjectKey), sdk, config);
            }
            throw new IOException("upload of " + url(uploadObjectKey) + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading " + url(uploadObjectKey));
        } finally {
            inFlight = null;
            inFlightBuffer = null;
        }
    }

    private ExecutorService sender() {
        if (sender == null) {
            sender = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "dbbackup-s3-upload");
                thread.setDaemon(true);
                return thread;
            });
        }
        return sender;
    }

    @Override
    public void commit(String key) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (committed || closed) {
            throw new IOException("the upload is already " + (committed ? "committed" : "closed"));
        }
        String target = store.objectKey(key);
        try {
            if (uploadId == null) {
                putWhole(target);
            } else {
                finishParts();
                if (target.equals(uploadObjectKey)) {
                    complete(true);
                } else if (uploadIsTemporary) {
                    if (!completed) {
                        complete(false);
                    }
                    copyInto(target);
                    store.deleteObject(uploadObjectKey);
                } else {
                    throw new IOException("the upload was started for " + url(uploadObjectKey) + " and cannot be committed as "
                            + url(target) + "; nothing was written there");
                }
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        committed = true;
        try {
            verify(target);
        } finally {
            release();
        }
    }

    private void putWhole(String target) throws IOException {
        if (store.head(target).isPresent()) {
            throw S3BackupStore.exists(url(target));
        }
        boolean conditional = store.conditionalWrites();
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(target).contentLength((long) filled)
                .contentType("application/octet-stream").contentMD5(S3BackupStore.md5Base64(buffer, filled));
        store.encryption(request);
        store.storageClass().ifPresent(request::storageClass);
        if (conditional) {
            request.ifNoneMatch("*");
        }
        byte[] data = buffer;
        int length = filled;
        try {
            store.client().putObject(request.build(),
                    RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream"));
        } catch (SdkException e) {
            if (refusedBecauseItExists(e)) {
                throw S3BackupStore.exists(url(target));
            }
            if (conditional && S3Failures.isStatus(e, 501)) {
                store.conditionalWritesUnsupported();
                putWhole(target);
                return;
            }
            throw S3Failures.io("upload of " + url(target), e, config);
        }
    }

    /** Sends what is left in the buffer as the last part and waits for every part. */
    private void finishParts() throws IOException {
        if (partsFinished) {
            return;
        }
        if (filled > 0) {
            sendPart();
        }
        awaitInFlight();
        partsFinished = true;
    }

    private void complete(boolean mustBeNew) throws IOException {
        if (mustBeNew && store.head(uploadObjectKey).isPresent()) {
            throw S3BackupStore.exists(url(uploadObjectKey));
        }
        boolean conditional = mustBeNew && store.conditionalWrites();
        List<CompletedPart> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparing(CompletedPart::partNumber));
        CompleteMultipartUploadRequest.Builder request = CompleteMultipartUploadRequest.builder().bucket(bucket).key(uploadObjectKey)
                .uploadId(uploadId).multipartUpload(m -> m.parts(sorted));
        if (conditional) {
            request.ifNoneMatch("*");
        }
        try {
            store.client().completeMultipartUpload(request.build());
        } catch (SdkException e) {
            if (refusedBecauseItExists(e)) {
                throw S3BackupStore.exists(url(uploadObjectKey));
            }
            if (conditional && S3Failures.isStatus(e, 501)) {
                store.conditionalWritesUnsupported();
                complete(true);
                return;
            }
            throw S3Failures.io("completing the upload of " + url(uploadObjectKey), e, config);
        }
        completed = true;
    }

    /** Server-side copy of the completed temporary object; the existence check and the copy are two requests (a documented race). */
    private void copyInto(String target) throws IOException {
        if (store.head(target).isPresent()) {
            throw S3BackupStore.exists(url(target));
        }
        if (total > MAX_COPY) {
            throw new IOException("cannot move a " + total + "-byte upload to " + url(target)
                    + " (S3 copies at most 5 GiB at once); name the key when the upload starts");
        }
        CopyObjectRequest.Builder request = CopyObjectRequest.builder().sourceBucket(bucket).sourceKey(uploadObjectKey)
                .destinationBucket(bucket).destinationKey(target);
        config.serverSideEncryption().ifPresent(sse -> request.serverSideEncryption(ServerSideEncryption.fromValue(sse)));
        config.kmsKeyId().ifPresent(request::ssekmsKeyId);
        store.storageClass().ifPresent(request::storageClass);
        try {
            store.client().copyObject(request.build());
        } catch (SdkException e) {
            throw S3Failures.io("copy of " + url(uploadObjectKey) + " to " + url(target), e, config);
        }
    }

    /** Checks the committed object against what was sent; a mismatch deletes it so no bad object stays visible. */
    private void verify(String target) throws IOException {
        String expected = storedSha256();
        try {
            HeadObjectResponse head = store.head(target).orElseThrow(() -> new IOException(url(target) + " is missing right after its upload"));
            if (head.contentLength() != total) {
                throw new IOException(url(target) + " holds " + head.contentLength() + " bytes after upload, " + total + " were sent");
            }
            if (config.verify() == S3StoreConfig.Verify.FULL) {
                String actual = store.sha256(target.substring(config.location().prefix().length()));
                if (!actual.equals(expected)) {
                    throw new IOException("the SHA-256 of " + url(target) + " read back after upload differs from the bytes sent");
                }
            }
        } catch (IOException e) {
            try {
                store.deleteObject(target);
            } catch (IOException deleteFailure) {
                e.addSuppressed(deleteFailure);
            }
            throw new IOException(e.getMessage() + "; the uploaded object was removed", e);
        }
    }

    /** SHA-256 of every byte written, as hex; valid once the parts are finished or the object is committed. */
    String storedSha256() {
        if (storedSha256 == null) {
            storedSha256 = HexFormat.of().formatHex(sha256.digest());
        }
        return storedSha256;
    }

    long size() {
        return total;
    }

    private static boolean refusedBecauseItExists(SdkException e) {
        return S3Failures.isStatus(e, 412) || S3Failures.isCode(e, "PreconditionFailed") || S3Failures.isCode(e, "ConditionalRequestConflict");
    }

    private String url(String objectKey) {
        return "s3://" + bucket + "/" + objectKey;
    }

    @Override
    public void close() throws IOException {
        if (committed || closed) {
            return;
        }
        closed = true;
        try {
            if (inFlight != null) {
                try {
                    awaitInFlight();
                } catch (IOException ignored) {
                    // the upload is being discarded anyway
                }
            }
            discard();
        } finally {
            release();
        }
    }

    private synchronized void discard() throws IOException {
        if (discarded) {
            return;
        }
        closed = true;
        discarded = true;
        if (uploadId != null && !completed) {
            try {
                store.client().abortMultipartUpload(r -> r.bucket(bucket).key(uploadObjectKey).uploadId(uploadId));
                LOG.debugf("aborted the upload of %s", url(uploadObjectKey));
            } catch (SdkException e) {
                if (!S3Failures.isStatus(e, 404)) {
                    throw S3Failures.io("aborting the upload of " + url(uploadObjectKey)
                            + " (a bucket lifecycle rule or the next run removes it)", e, config);
                }
            }
        } else if (completed && uploadIsTemporary) {
            store.deleteObject(uploadObjectKey);
        }
    }

    private void abortQuietly() {
        try {
            store.client().abortMultipartUpload(r -> r.bucket(bucket).key(uploadObjectKey).uploadId(uploadId));
        } catch (SdkException e) {
            LOG.warnf("could not abort the upload of %s: %s", url(uploadObjectKey), S3Failures.describe(e, config));
        }
    }

    private void abortOnExit() {
        if (!committed && !completed) {
            closed = true;
            Future<CompletedPart> sending = inFlight;
            if (sending != null) {
                // a part that lands after the abort would keep its storage: let it finish first
                try {
                    sending.get(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // aborting anyway
                }
            }
            try {
                discard();
            } catch (IOException | RuntimeException e) {
                LOG.warnf("could not abort the unfinished upload of %s: %s", url(uploadObjectKey), e.getMessage());
            }
        }
    }

    private void release() {
        if (sender != null) {
            sender.shutdownNow();
            sender = null;
        }
        buffer = new byte[0];
        if (abortOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(abortOnExit);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down; the hook runs and finds nothing to do
            }
            abortOnExit = null;
        }
    }
}
