package dev.dbbackup.catalog;

import java.util.Objects;

/**
 * One database whose backups share a folder with others' (see {@link BackupCatalog#byDatabase}).
 *
 * @param id     the identity recorded in manifests ({@code postgresql://host:port/db}, {@code sqlite://<real path>})
 * @param engine "sqlite" or "postgresql"
 * @param name   the database name (PostgreSQL) or file name (SQLite), which manifests written before identities carry
 */
public record DatabaseScope(String id, String engine, String name) {

    public DatabaseScope {
        Objects.requireNonNull(id, "id");
    }

    /**
     * Whether a backup with this manifest is of this database: by its recorded identity, or, for a manifest written before
     * identities, by engine and database name.
     */
    public boolean owns(BackupManifest manifest) {
        if (manifest.databaseId() != null) {
            return id.equals(manifest.databaseId());
        }
        return Objects.equals(engine, manifest.engine()) && Objects.equals(name, manifest.database());
    }

    /** Whether {@code value} (from --from-database) names this database: its identity or its name. */
    public boolean isNamedBy(String value) {
        return id.equals(value) || Objects.equals(name, value);
    }
}
