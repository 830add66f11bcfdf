package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.BackupManifest;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.RestoreSession;
import dev.dbbackup.pipeline.Compression;
import dev.dbbackup.pipeline.DumpReader;
import dev.dbbackup.pipeline.crypto.Decryption;
import dev.dbbackup.pipeline.crypto.Encryption;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Feeds a backup into a restore session and checks the result before anyone commits it (restore and test-restore). */
final class RestoreExecution {

    private RestoreExecution() {
    }

    record Checked(int tables, long rows, List<String> notes) {
    }

    /**
     * Streams the backup into {@code session}, then checks: the stored bytes still match the manifest, the dump
     * reached its end marker, the restored database passes its integrity check, and every table has the row count
     * the manifest recorded. Throws a VERIFICATION_FAILED {@link DbBackupException} on any difference.
     */
    static Checked applyAndCheck(RestoreSession session, BackupCatalog catalog, CatalogEntry entry, String location)
            throws IOException, EngineException {
        return applyAndCheck(session, catalog, entry, location, Decryption.NONE);
    }

    /** As above, decrypting an encrypted backup with {@code decryption} (its integrity check runs before anything is committed). */
    static Checked applyAndCheck(RestoreSession session, BackupCatalog catalog, CatalogEntry entry, String location, Decryption decryption)
            throws IOException, EngineException {
        Optional<BackupManifest> manifest = entry.manifest();
        List<String> notes = new ArrayList<>();
        try (InputStream in = catalog.store().open(entry.key());
             DumpReader reader = new DumpReader(in, Compression.forFileName(Encryption.withoutSuffix(entry.fileName())),
                     Encryption.isEncryptedName(entry.fileName()) ? decryption : Decryption.NONE, entry.size())) {
            session.apply(reader.plain());
            reader.drain();
            if (manifest.isPresent() && !manifest.get().stored().sha256().equals(reader.storedSha256())) {
                throw new DbBackupException(ExitCode.VERIFICATION_FAILED, "backup " + location + " changed while it was being restored",
                        "nothing was changed; run it again");
            }
            if (DumpMarkers.recognise(reader.lastLine()).isEmpty()) {
                throw new DbBackupException(ExitCode.VERIFICATION_FAILED, "backup " + location + " ended without its end marker during restore",
                        "nothing was changed; pick another backup");
            }
        }
        List<String> problems = session.integrityProblems();
        if (!problems.isEmpty()) {
            throw new DbBackupException(ExitCode.VERIFICATION_FAILED, "the database restored from " + location + " failed its integrity check: "
                    + String.join("; ", problems.subList(0, Math.min(3, problems.size()))), "nothing was changed; report this backup");
        }
        Map<String, Long> counts = session.rowCounts();
        if (manifest.isPresent() && manifest.get().tables() != null) {
            compareRowCounts(manifest.get().tables(), counts, location);
            return new Checked(manifest.get().tables().size(), manifest.get().totalRows(), notes);
        }
        notes.add("no manifest: row counts not compared");
        return new Checked(counts.size(), counts.values().stream().mapToLong(Long::longValue).sum(), notes);
    }

    private static void compareRowCounts(Map<String, Long> expected, Map<String, Long> actual, String location) {
        List<String> differences = new ArrayList<>();
        expected.forEach((table, rows) -> {
            Long restored = actual.get(table);
            if (restored == null || !restored.equals(rows)) {
                differences.add(table + ": manifest " + rows + ", restored " + (restored == null ? "missing" : restored));
            }
        });
        if (!differences.isEmpty()) {
            throw new DbBackupException(ExitCode.VERIFICATION_FAILED, "row counts after restoring " + location + " differ from the manifest: "
                    + String.join("; ", differences.subList(0, Math.min(5, differences.size()))), "nothing was changed; report this backup");
        }
    }
}
