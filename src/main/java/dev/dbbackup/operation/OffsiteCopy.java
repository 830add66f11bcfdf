package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.BackupManifest;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.catalog.ManifestCodec;
import dev.dbbackup.config.Settings;
import dev.dbbackup.storage.BackupStore;
import dev.dbbackup.storage.s3.S3BackupStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Copies a local backup and its manifest to the offsite store, checking the bytes against the manifest on the way
 * (the store checks them again after the upload), and applies the offsite retention.
 */
@ApplicationScoped
public class OffsiteCopy {

    private static final Logger LOG = Logger.getLogger(OffsiteCopy.class);

    @Inject
    PruneOperation prune;

    public enum Outcome { PUSHED, ALREADY_OFFSITE, MANIFEST_ADDED }

    /** One backup handled by a push. */
    public record Pushed(String key, String location, Outcome outcome, long bytes) {
    }

    /** What the offsite step of {@code backup --offsite copy} did; {@code error} is null when it succeeded. */
    public record Result(String location, Pushed pushed, List<PruneOperation.PruneItem> retention, List<String> deleted, String error) {
    }

    /** After a good local backup: push it, then apply the offsite retention. Never throws: the local backup stands either way. */
    public Result afterBackup(Settings settings, BackupCatalog local, String key) {
        String location = key;
        try {
            S3BackupStore remote = OffsiteStores.store(settings);
            location = remote.locate(key);
            CatalogEntry entry = local.entry(key).orElseThrow(() -> new IOException("the new backup " + key + " vanished before it was copied"));
            OffsiteStores.removeStaleUploads(settings, remote);
            Pushed pushed = push(local, entry, remote);
            LOG.infof("offsite copy written: %s", pushed.location());
            BackupCatalog remoteCatalog = new BackupCatalog(remote, settings.zone());
            List<PruneOperation.PruneItem> plan = prune.plan(remoteCatalog, ConfiguredDatabase.of(settings),
                    settings.offsite().retention(), settings.clock().instant());
            List<String> deleted = prune.apply(remoteCatalog, plan, false).deleted();
            return new Result(location, pushed, plan, deleted, null);
        } catch (IOException | DbBackupException e) {
            LOG.errorf("offsite copy to %s failed: %s", location, e.getMessage());
            return new Result(location, null, List.of(), List.of(), e.getMessage());
        }
    }

    /**
     * Puts one local backup and its manifest into {@code remote} unless it is there already. The local file must match
     * its manifest; an object of that name with other content offsite is left alone and reported.
     */
    public Pushed push(BackupCatalog local, CatalogEntry entry, BackupStore remote) throws IOException {
        String key = entry.key();
        String localLocation = local.store().locate(key);
        if (!entry.valid() || entry.failedVerification()) {
            throw new IOException("local backup " + localLocation + " was not copied: "
                    + entry.manifestProblem().orElse("its last verification failed") + "; run 'dbbackup verify' on it");
        }
        BackupManifest manifest = entry.manifest().get();
        String expected = manifest.stored().sha256();
        Optional<BackupStore.StoredObject> there = remote.stat(key);
        if (there.isPresent()) {
            Optional<BackupManifest> remoteManifest = readManifest(remote, key);
            if (remoteManifest.isPresent() && expected.equals(remoteManifest.get().stored().sha256())
                    && there.get().size() == manifest.stored().bytes()) {
                return new Pushed(key, remote.locate(key), Outcome.ALREADY_OFFSITE, 0);
            }
            // An object without a matching manifest: a run died between the two uploads, or it is another file.
            if (!expected.equals(sha256(remote, key))) {
                throw new IOException(remote.locate(key) + " already exists offsite with other content than " + localLocation
                        + "; it was left alone");
            }
            remote.writeSmall(ManifestCodec.manifestKey(key), ManifestCodec.write(manifest));
            return new Pushed(key, remote.locate(key), Outcome.MANIFEST_ADDED, 0);
        }
        long bytes = 0;
        MessageDigest digest = sha256Digest();
        try (BackupStore.PendingObject pending = remote.create(key); InputStream in = local.store().open(key)) {
            OutputStream out = pending.output();
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
                bytes += n;
            }
            if (bytes != manifest.stored().bytes() || !expected.equals(HexFormat.of().formatHex(digest.digest()))) {
                throw new IOException("local backup " + localLocation + " no longer matches its manifest (size or SHA-256 differs),"
                        + " so it was not copied; run 'dbbackup verify " + localLocation + "'");
            }
            pending.commit(key);
        }
        remote.writeSmall(ManifestCodec.manifestKey(key), ManifestCodec.write(manifest));
        return new Pushed(key, remote.locate(key), Outcome.PUSHED, bytes);
    }

    private static Optional<BackupManifest> readManifest(BackupStore store, String key) {
        try {
            return Optional.of(ManifestCodec.read(store.readSmall(ManifestCodec.manifestKey(key))));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static String sha256(BackupStore store, String key) throws IOException {
        if (store instanceof S3BackupStore s3) {
            return s3.sha256(key);
        }
        MessageDigest digest = sha256Digest();
        try (InputStream in = store.open(key)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
