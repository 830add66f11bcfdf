package dev.dbbackup.catalog;

import dev.dbbackup.storage.BackupStore;
import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The set of backups in a store: every file that matches our naming under daily/, weekly/, monthly/. */
public final class BackupCatalog {

    private final BackupStore store;
    private final ZoneId zone;

    public BackupCatalog(BackupStore store, ZoneId zone) {
        this.store = store;
        this.zone = zone;
    }

    /** All backups, newest first. */
    public List<CatalogEntry> entries() throws IOException {
        List<BackupStore.StoredObject> objects = store.list("");
        Set<String> keys = new HashSet<>();
        for (BackupStore.StoredObject object : objects) {
            keys.add(object.key());
        }
        List<CatalogEntry> entries = new ArrayList<>();
        for (BackupStore.StoredObject object : objects) {
            String key = object.key();
            int slash = key.indexOf('/');
            if (slash < 0 || key.indexOf('/', slash + 1) >= 0) {
                continue;
            }
            String folder = key.substring(0, slash);
            Optional<BackupName> name = BackupName.parse(key.substring(slash + 1));
            if (name.isEmpty() || !name.get().type().word().equals(folder)) {
                continue;
            }
            entries.add(entry(object, name.get(), keys.contains(ManifestCodec.manifestKey(key))));
        }
        entries.sort(Comparator.comparing(CatalogEntry::createdAt).thenComparing((CatalogEntry e) -> e.name().sequence())
                .thenComparing(CatalogEntry::key).reversed());
        return entries;
    }

    /** The entry for one key (a backup file in this store), whether or not it matches our folders. */
    public Optional<CatalogEntry> entry(String key) throws IOException {
        Optional<BackupStore.StoredObject> object = store.stat(key);
        if (object.isEmpty()) {
            return Optional.empty();
        }
        String fileName = key.substring(key.lastIndexOf('/') + 1);
        boolean hasManifest = store.stat(ManifestCodec.manifestKey(key)).isPresent();
        return Optional.of(entry(object.get(), BackupName.parse(fileName).orElse(null), hasManifest));
    }

    private CatalogEntry entry(BackupStore.StoredObject object, BackupName name, boolean hasManifest) {
        Optional<BackupManifest> manifest = Optional.empty();
        Optional<String> problem = Optional.empty();
        if (!hasManifest) {
            problem = Optional.of("no manifest");
        } else {
            try {
                BackupManifest read = ManifestCodec.read(store.readSmall(ManifestCodec.manifestKey(object.key())));
                manifest = Optional.of(read);
                if (read.stored().bytes() != object.size()) {
                    problem = Optional.of("size " + object.size() + " differs from manifest " + read.stored().bytes());
                }
            } catch (IOException e) {
                problem = Optional.of("unreadable manifest");
            }
        }
        java.time.Instant created = name != null ? name.instant(zone) : object.modified();
        return new CatalogEntry(object.key(), name, created, object.size(), manifest, problem);
    }

    /** The newest backup that has a sound manifest and did not fail its last verification. */
    public Optional<CatalogEntry> latestGood() throws IOException {
        return entries().stream().filter(CatalogEntry::valid).filter(e -> !e.failedVerification()).findFirst();
    }

    public void saveManifest(String backupKey, BackupManifest manifest) throws IOException {
        store.writeSmall(ManifestCodec.manifestKey(backupKey), ManifestCodec.write(manifest));
    }

    public BackupStore store() {
        return store;
    }

    public ZoneId zone() {
        return zone;
    }
}
