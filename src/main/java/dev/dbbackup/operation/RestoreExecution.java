package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.BackupManifest;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.engine.RestoreSession;
import dev.dbbackup.pipeline.crypto.Decryption;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Feeds a backup into a restore session and checks the result before anyone commits it (restore and test-restore). */
final class RestoreExecution {

    private RestoreExecution() {
    }

    /** @param verified the verification of the file made while it was read; when it failed, nothing else was checked */
    record Checked(VerifyOperation.VerificationResult verified, int tables, long rows, List<String> notes) {

        boolean passed() {
            return verified.passed();
        }
    }

    /**
     * Streams the backup into {@code session} while verifying it in the same read (stored checksum and size, decryption
     * and its integrity check, decompression, SQL checksum, end marker: the verification is recorded in the manifest),
     * then checks that the restored database passes its integrity check and that every table has the row count the
     * manifest recorded. A file that fails its verification comes back as a failed {@link Checked#verified()}; a restored
     * database that differs throws a VERIFICATION_FAILED {@link DbBackupException}. Either way nothing is committed.
     */
    static Checked applyAndCheck(VerifyOperation verifier, Instant now, RestoreSession session, BackupCatalog catalog, CatalogEntry entry,
                                 String location, Decryption decryption) throws IOException, EngineException {
        Optional<BackupManifest> manifest = entry.manifest();
        List<String> notes = new ArrayList<>();
        VerifyOperation.VerificationResult verified;
        try {
            verified = verifier.verify(catalog, entry, now, decryption, true, session::apply);
        } catch (VerifyOperation.ConsumerFailure e) {
            if (e.getCause() instanceof EngineException engine) {
                throw engine;
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) e.getCause();
        }
        if (!verified.passed()) {
            return new Checked(verified, 0, 0, verified.notes());
        }
        notes.addAll(verified.notes());
        List<String> problems = session.integrityProblems();
        if (!problems.isEmpty()) {
            throw new DbBackupException(ExitCode.VERIFICATION_FAILED, "the database restored from " + location + " failed its integrity check: "
                    + String.join("; ", problems.subList(0, Math.min(3, problems.size()))), "nothing was changed; report this backup");
        }
        Map<String, Long> counts = session.rowCounts();
        if (manifest.isPresent() && manifest.get().tables() != null) {
            compareRowCounts(manifest.get().tables(), counts, location);
            return new Checked(verified, manifest.get().tables().size(), manifest.get().totalRows(), notes);
        }
        notes.add("no manifest: row counts not compared");
        return new Checked(verified, counts.size(), counts.values().stream().mapToLong(Long::longValue).sum(), notes);
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
