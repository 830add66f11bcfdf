package dev.dbbackup.catalog;

import java.time.Instant;
import java.util.Optional;

/**
 * One backup file found in a store, with its manifest when it has a readable one. {@code name} is null
 * for a file given by path whose name does not follow our naming (e.g. a renamed copy).
 *
 * @param manifestProblem why the manifest is missing or unusable; empty when the manifest is sound
 */
public record CatalogEntry(String key, BackupName name, Instant createdAt, long size,
                           Optional<BackupManifest> manifest, Optional<String> manifestProblem) {

    /** A backup with a readable manifest whose recorded size matches the file: it may count as the last good backup. */
    public boolean valid() {
        return manifestProblem.isEmpty() && manifest.isPresent();
    }

    /** Whether the newest verification or test-restore recorded in the manifest failed. */
    public boolean failedVerification() {
        return manifest.map(BackupManifest::verification).map(v -> "failed".equals(v.state())).orElse(false)
                || failedTestRestore();
    }

    public boolean failedTestRestore() {
        return manifest.map(BackupManifest::testRestore).map(v -> "failed".equals(v.state())).orElse(false);
    }

    public String fileName() {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
