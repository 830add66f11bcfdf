package dev.dbbackup.catalog;

import dev.dbbackup.storage.BackupStore;
import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The set of backups in a store: every file that matches our naming under daily/, weekly/, monthly/. */
public final class BackupCatalog {

    private static final Comparator<CatalogEntry> NEWEST_FIRST = Comparator.comparing(CatalogEntry::createdAt)
            .thenComparing((CatalogEntry e) -> e.name().sequence()).thenComparing(CatalogEntry::key).reversed();

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
        entries.sort(NEWEST_FIRST);
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
        return latestGood(entries(), null);
    }

    /**
     * The newest good backup among {@code entries} dated at or before {@code now} (null: any date): a backup dated in the
     * future was made under a clock that jumped, so it is never preferred.
     */
    public static Optional<CatalogEntry> latestGood(List<CatalogEntry> entries, java.time.Instant now) {
        return entries.stream().filter(CatalogEntry::valid).filter(e -> !e.failedVerification())
                .filter(e -> now == null || !e.createdAt().isAfter(now)).findFirst();
    }

    /** The backups of one database, newest first (see {@link #byDatabase}). */
    public List<CatalogEntry> entriesOf(DatabaseScope database) throws IOException {
        return byDatabase(database).getOrDefault(database.id(), List.of());
    }

    /**
     * Every backup grouped by the database it is of, each group newest first; the configured database first, then by
     * identity. A backup is of the database its manifest names ({@code databaseId}). A manifest written before identities
     * names only engine and database name: it joins the one database of that engine and name (the configured one, or one
     * seen in the folder), or forms a group of its own ({@code <engine>:<name>}) when there is none or several. A file
     * without a readable manifest says nothing: it joins the configured database when no other database has backups here
     * (as in a folder of one database), and otherwise stays in the group {@link #UNKNOWN}, which retention never empties.
     */
    public Map<String, List<CatalogEntry>> byDatabase(DatabaseScope configured) throws IOException {
        return byDatabase(entries(), configured);
    }

    /** As {@link #byDatabase(DatabaseScope)} for a given list of backups (newest first). */
    public static Map<String, List<CatalogEntry>> byDatabase(List<CatalogEntry> all, DatabaseScope configured) {
        Map<String, DatabaseScope> known = new LinkedHashMap<>();
        if (configured != null) {
            known.put(configured.id(), configured);
        }
        for (CatalogEntry entry : all) {
            entry.manifest().filter(m -> m.databaseId() != null)
                    .ifPresent(m -> known.putIfAbsent(m.databaseId(), new DatabaseScope(m.databaseId(), m.engine(), m.database())));
        }
        Map<String, List<CatalogEntry>> groups = new LinkedHashMap<>();
        if (configured != null) {
            groups.put(configured.id(), new ArrayList<>());
        }
        List<CatalogEntry> unknown = new ArrayList<>();
        for (CatalogEntry entry : all) {
            if (entry.manifest().isEmpty()) {
                unknown.add(entry);
                continue;
            }
            BackupManifest manifest = entry.manifest().get();
            String key = manifest.databaseId();
            if (key == null) {
                List<String> owners = known.values().stream().filter(scope -> scope.owns(manifest)).map(DatabaseScope::id).toList();
                key = owners.size() == 1 ? owners.get(0) : manifest.engine() + ":" + manifest.database();
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(entry);
        }
        if (!unknown.isEmpty()) {
            boolean onlyConfigured = configured != null && groups.keySet().stream().allMatch(configured.id()::equals);
            groups.computeIfAbsent(onlyConfigured ? configured.id() : UNKNOWN, k -> new ArrayList<>()).addAll(unknown);
            groups.get(onlyConfigured ? configured.id() : UNKNOWN).sort(NEWEST_FIRST);
        }
        if (configured != null && groups.get(configured.id()).isEmpty()) {
            groups.remove(configured.id());
        }
        return groups;
    }

    /** The group of backups whose database cannot be told (no readable manifest) in a folder several databases share. */
    public static final String UNKNOWN = "unknown (no readable manifest)";

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
