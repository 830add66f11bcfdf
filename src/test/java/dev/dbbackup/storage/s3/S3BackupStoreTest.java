package dev.dbbackup.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.storage.BackupStore;
import dev.dbbackup.storage.BackupStoreContract;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared store contract and the S3-specific behaviour, against a real S3-compatible server on loopback. */
class S3BackupStoreTest extends BackupStoreContract {

    private static final String BUCKET = "offsite";

    @TempDir
    static Path serverFolder;

    private static S3TestServer server;
    private final List<S3BackupStore> opened = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.start(serverFolder.resolve("s3"));
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(S3BackupStore::close);
    }

    /** Each test gets its own prefix, so they share the bucket without seeing each other. */
    @Override
    protected BackupStore store() {
        return open(server.config(BUCKET, "hosts/" + UUID.randomUUID()));
    }

    private S3BackupStore open(S3StoreConfig config) {
        S3BackupStore store = new S3BackupStore(config);
        opened.add(store);
        return store;
    }

    @Test
    void aMultipartUploadIsInvisibleUntilCommittedAndLeavesNoUnfinishedUpload() throws Exception {
        S3BackupStore store = (S3BackupStore) store();
        try (BackupStore.PendingObject pending = store.create("daily/x.sql.gz")) {
            writePseudoRandom(pending.output(), 11L * 1024 * 1024, 1);
            assertEquals(1, store.unfinishedUploads().size(), "parts are on the server while the dump runs");
            assertTrue(store.list("").isEmpty(), "but no object is visible");
            pending.commit("daily/x.sql.gz");
        }
        assertEquals(List.of(), store.unfinishedUploads());
        assertEquals(List.of("daily/x.sql.gz"), keys(store));
    }

    @Test
    void anInterruptedUploadIsAbortedOnTheServer() throws Exception {
        S3BackupStore store = (S3BackupStore) store();
        IOException failure = assertThrows(IOException.class, () -> {
            try (BackupStore.PendingObject pending = store.create("daily/cut.sql.gz")) {
                writePseudoRandom(pending.output(), 11L * 1024 * 1024, 2);
                throw new IOException("the dump failed half way");
            }
        });
        assertEquals("the dump failed half way", failure.getMessage());
        assertEquals(List.of(), store.unfinishedUploads(), "the multipart upload was aborted");
        assertEquals(List.of(), keys(store));
    }

    @Test
    void leftoversOfAKilledRunAreRemovedByTheNextRun() throws Exception {
        S3BackupStore store = (S3BackupStore) store();
        BackupStore.PendingObject killed = store.create("daily/killed.sql.gz");
        writePseudoRandom(killed.output(), 11L * 1024 * 1024, 4);
        // the process dies here: neither commit nor close (once its two full parts are on the server)
        awaitParts(store, 2);
        assertEquals(1, store.unfinishedUploads().size());
        assertEquals(0, store.removeStaleUploads(Instant.now().minusSeconds(3600)), "a recent upload may belong to a live run");
        assertEquals(1, store.removeStaleUploads(Instant.now().plusSeconds(60)));
        assertEquals(List.of(), store.unfinishedUploads());
        assertEquals(List.of(), keys(store));
    }

    @Test
    void storesUnderDifferentPrefixesDoNotSeeEachOther() throws Exception {
        String base = "shared/" + UUID.randomUUID();
        S3BackupStore one = open(server.config(BUCKET, base + "/one"));
        S3BackupStore oneAndMore = open(server.config(BUCKET, base + "/one-more"));
        put(one, "daily/a.sql.gz", "a");
        put(oneAndMore, "daily/b.sql.gz", "b");
        assertEquals(List.of("daily/a.sql.gz"), keys(one));
        assertEquals(List.of("daily/b.sql.gz"), keys(oneAndMore));
        assertEquals("s3://offsite/" + base + "/one/daily/a.sql.gz", one.locate("daily/a.sql.gz"));
    }

    @Test
    void keysCannotEscapeThePrefix() {
        S3BackupStore store = (S3BackupStore) store();
        assertThrows(IllegalArgumentException.class, () -> store.stat("../other/daily/a.sql.gz"));
        assertThrows(IllegalArgumentException.class, () -> store.create(".dbbackup-tmp/x"));
    }

    @Test
    void wrongSecretKeyGivesAClearErrorWithoutTheSecret() {
        S3StoreConfig good = server.config(BUCKET, "hosts/" + UUID.randomUUID());
        S3StoreConfig wrong = new S3StoreConfig(good.location(), good.endpoint(), good.region(), true,
                Optional.of(new S3StoreConfig.StaticKeys(S3TestServer.ACCESS_KEY, "not-the-secret-1234")), Optional.empty(),
                Optional.empty(), Optional.empty(), good.partSize(), good.verify());
        S3BackupStore store = open(wrong);
        IOException failure = assertThrows(IOException.class, () -> put(store, "daily/a.sql.gz", "data"));
        assertTrue(failure.getMessage().contains("SignatureDoesNotMatch"), failure.getMessage());
        assertTrue(failure.getMessage().contains("BACKUP_OFFSITE_SECRET_ACCESS_KEY"), failure.getMessage());
        assertFalse(failure.getMessage().contains("not-the-secret-1234"));
    }

    @Test
    void unknownAccessKeyGivesAClearError() {
        S3StoreConfig good = server.config(BUCKET, "hosts/" + UUID.randomUUID());
        S3StoreConfig wrong = new S3StoreConfig(good.location(), good.endpoint(), good.region(), true,
                Optional.of(new S3StoreConfig.StaticKeys("nobody-knows-me", "whatever-secret")), Optional.empty(),
                Optional.empty(), Optional.empty(), good.partSize(), good.verify());
        IOException failure = assertThrows(IOException.class, () -> open(wrong).list(""));
        assertTrue(failure.getMessage().contains("InvalidAccessKeyId"), failure.getMessage());
    }

    @Test
    void aMissingBucketIsNamed() {
        S3BackupStore store = open(server.config("no-such-bucket", ""));
        IOException failure = assertThrows(IOException.class, () -> store.list(""));
        assertTrue(failure.getMessage().contains("bucket 'no-such-bucket' does not exist"), failure.getMessage());
    }

    @Test
    void anUnreachableEndpointIsNamed() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        S3StoreConfig good = server.config(BUCKET, "x");
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
        S3BackupStore store = open(new S3StoreConfig(good.location(), Optional.of(nowhere), good.region(), true, good.keys(),
                Optional.empty(), Optional.empty(), Optional.empty(), good.partSize(), good.verify()));
        IOException failure = assertThrows(IOException.class, () -> store.list(""));
        assertTrue(failure.getMessage().contains("cannot reach " + nowhere), failure.getMessage());
    }

    @Test
    void sizeOnlyVerificationStillRoundTrips() throws Exception {
        S3BackupStore store = open(server.config(BUCKET, "hosts/" + UUID.randomUUID()).withVerify(S3StoreConfig.Verify.SIZE));
        String written;
        try (BackupStore.PendingObject pending = store.create("weekly/w.sql.gz")) {
            written = writePseudoRandom(pending.output(), 6L * 1024 * 1024, 9);
            pending.commit("weekly/w.sql.gz");
        }
        assertEquals(written, store.sha256("weekly/w.sql.gz"));
    }

    @Test
    void aReaderThatStopsEarlyDoesNotDownloadTheRest() throws Exception {
        S3BackupStore store = (S3BackupStore) store();
        try (BackupStore.PendingObject pending = store.create("monthly/m.sql.gz")) {
            writePseudoRandom(pending.output(), 12L * 1024 * 1024, 5);
            pending.commit("monthly/m.sql.gz");
        }
        long started = System.nanoTime();
        try (InputStream in = store.open("monthly/m.sql.gz")) {
            assertEquals(100, in.readNBytes(100).length);
        }
        // and the store still works afterwards (the aborted connection is not reused)
        assertEquals(List.of("monthly/m.sql.gz"), keys(store));
        assertTrue(System.nanoTime() - started < 30_000_000_000L);
    }

    private static void awaitParts(S3BackupStore store, int parts) throws Exception {
        String bucket = store.config().location().bucket();
        var upload = store.client().listMultipartUploads(r -> r.bucket(bucket).prefix(store.config().location().prefix())).uploads().get(0);
        for (int i = 0; i < 600; i++) {
            try {
                if (store.client().listParts(r -> r.bucket(bucket).key(upload.key()).uploadId(upload.uploadId())).parts().size() >= parts) {
                    return;
                }
            } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                // S3Proxy's folder store cannot list the parts while one is being written: ask again
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the parts never arrived");
    }

    private static void put(BackupStore store, String key, String content) throws IOException {
        try (BackupStore.PendingObject pending = store.create(key)) {
            pending.output().write(content.getBytes(StandardCharsets.UTF_8));
            pending.commit(key);
        }
    }

    private static List<String> keys(BackupStore store) throws IOException {
        return store.list("").stream().map(BackupStore.StoredObject::key).toList();
    }
}
