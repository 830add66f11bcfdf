package dev.dbbackup.operation;

import dev.dbbackup.catalog.BackupCatalog;
import dev.dbbackup.catalog.BackupManifest;
import dev.dbbackup.catalog.CatalogEntry;
import dev.dbbackup.config.Settings;
import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.EngineException;
import dev.dbbackup.pipeline.Compression;
import dev.dbbackup.pipeline.DumpReader;
import dev.dbbackup.pipeline.crypto.Decryption;
import dev.dbbackup.pipeline.crypto.DecryptionException;
import dev.dbbackup.pipeline.crypto.Encryption;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Checks a backup without restoring it: size and checksum against the manifest, full decompression, end marker.
 * An encrypted backup's checksum is of the encrypted bytes, so it is checked without the key; with the key it is
 * also decrypted (integrity check included) and its SQL checked like any other.
 */
@ApplicationScoped
public class VerifyOperation {

    private static final Logger LOG = Logger.getLogger(VerifyOperation.class);

    @Inject
    @All
    List<OperationObserver> observers;

    /**
     * The outcome for one backup.
     *
     * @param passedChecks the checks that passed, in order
     * @param failure      why it failed; empty when it passed
     * @param notes        warnings that do not fail it (e.g. no manifest to compare against)
     * @param endMarker    which tool's end-of-dump line was found
     */
    public record VerificationResult(String key, String location, List<String> passedChecks, Optional<String> failure,
                                     List<String> notes, String endMarker, long plainBytes) {

        public boolean passed() {
            return failure.isEmpty();
        }
    }

    /** Verifies the backup named by a path or 'latest'. */
    public VerificationResult verify(Settings settings, String backup) {
        BackupLocator.Located located = BackupLocator.locate(settings, backup, false);
        Decryption keys = Encryption.isEncryptedName(located.entry().fileName()) ? EncryptionKeys.forReading(settings) : Decryption.NONE;
        VerificationResult result = verify(located.catalog(), located.entry(), settings.clock().instant(), keys, false);
        OperationObserver.tell(observers, o -> o.verified(settings, result));
        return result;
    }

    /** Verifies every backup in BACKUP_DIR, newest first. */
    public List<VerificationResult> verifyAll(Settings settings) {
        BackupCatalog catalog = Stores.catalog(settings);
        List<VerificationResult> results = new ArrayList<>();
        try {
            java.nio.file.Path folder = settings.backupDir().toAbsolutePath().normalize();
            if (!java.nio.file.Files.isDirectory(folder)) {
                throw new DbBackupException(ExitCode.NOT_FOUND, "BACKUP_DIR " + folder + " does not exist: there is nothing to verify",
                        "check --backup-dir / BACKUP_DIR (and the working directory, for a relative path)");
            }
            List<CatalogEntry> entries = catalog.entries();
            if (entries.isEmpty()) {
                throw new DbBackupException(ExitCode.NOT_FOUND, "no backups in " + folder + " to verify",
                        "check --backup-dir / BACKUP_DIR, or run 'dbbackup backup' first");
            }
            boolean anyEncrypted = entries.stream().anyMatch(e -> Encryption.isEncryptedName(e.fileName()));
            Decryption keys = anyEncrypted ? EncryptionKeys.forReading(settings) : Decryption.NONE;
            for (CatalogEntry entry : entries) {
                VerificationResult result = verify(catalog, entry, settings.clock().instant(), keys, false);
                OperationObserver.tell(observers, o -> o.verified(settings, result));
                results.add(result);
            }
        } catch (IOException e) {
            throw new DbBackupException(ExitCode.FAILURE, "cannot read the backups in " + catalog.store().describe() + ": " + e.getMessage(),
                    "check BACKUP_DIR and its permissions", e);
        }
        return results;
    }

    /**
     * What a restore does with the decompressed SQL while the backup is being verified, so that a restore reads the
     * file once: the verification's verdict comes before anyone commits what the consumer wrote.
     */
    @FunctionalInterface
    public interface PlainSqlConsumer {
        void accept(InputStream plainSql) throws IOException, EngineException;
    }

    /** Thrown out of {@link #verify(BackupCatalog, CatalogEntry, Instant, Decryption, boolean, PlainSqlConsumer)} when the consumer failed, not the file. */
    public static final class ConsumerFailure extends RuntimeException {
        ConsumerFailure(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Verifies one backup and records the outcome in its manifest when it has one. */
    public VerificationResult verify(BackupCatalog catalog, CatalogEntry entry, Instant now) {
        return verify(catalog, entry, now, Decryption.NONE, false);
    }

    /**
     * Verifies one backup, decrypting an encrypted one with {@code keys}. Without a fitting key an encrypted backup
     * passes on its checksum alone (with a note) unless {@code keyRequired}. A key that does not fit is not recorded
     * as a failed verification: the file was not shown to be bad.
     */
    public VerificationResult verify(BackupCatalog catalog, CatalogEntry entry, Instant now, Decryption keys, boolean keyRequired) {
        return verify(catalog, entry, now, keys, keyRequired, null);
    }

    /**
     * As above, handing the decompressed SQL to {@code consumer} (null: just read it) as it is verified. A failure of the
     * consumer itself (not of the file) ends the verification with a {@link ConsumerFailure} and records nothing.
     */
    public VerificationResult verify(BackupCatalog catalog, CatalogEntry entry, Instant now, Decryption keys, boolean keyRequired,
                                     PlainSqlConsumer consumer) {
        boolean[] keyProblem = {false};
        VerificationResult result = check(catalog, entry, keys, keyRequired, keyProblem, consumer);
        if (entry.manifest().isPresent() && entry.manifestProblem().isEmpty() && !keyProblem[0]) {
            BackupManifest.Verification verification = new BackupManifest.Verification(
                    result.passed() ? "passed" : "failed", now.toString(), String.join(", ", result.passedChecks()),
                    result.failure().orElse(null), null);
            try {
                catalog.saveManifest(entry.key(), entry.manifest().get().withVerification(verification));
            } catch (IOException e) {
                LOG.warnf("could not record the verification in the manifest of %s: %s", entry.key(), e.getMessage());
            }
        }
        return result;
    }

    /**
     * What can be found wrong without reading the file: a size that differs from the manifest, an empty file, a name
     * whose compression is unknown. Empty when none of these.
     */
    public static Optional<String> quickCheck(CatalogEntry entry) {
        if (entry.manifestProblem().isPresent() && entry.manifest().isPresent()) {
            return Optional.of(entry.manifestProblem().get() + " (file truncated or replaced)");
        }
        if (entry.size() == 0) {
            return Optional.of("the file is empty");
        }
        try {
            Compression.forFileName(Encryption.withoutSuffix(entry.fileName()));
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        return Optional.empty();
    }

    /** {@code keyProblem[0]} is set when the outcome is about the key, not the file. */
    private VerificationResult check(BackupCatalog catalog, CatalogEntry entry, Decryption keys, boolean keyRequired, boolean[] keyProblem,
                                     PlainSqlConsumer consumer) {
        String location = catalog.store().locate(entry.key());
        List<String> passed = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Optional<BackupManifest> manifest = entry.manifest();
        if (entry.manifestProblem().isPresent()) {
            if (manifest.isPresent()) {
                return fail(entry, location, passed, notes, entry.manifestProblem().get() + " (file truncated or replaced)");
            }
            notes.add(entry.manifestProblem().get() + ": checksums not compared");
        }
        Optional<String> quick = quickCheck(entry);
        if (quick.isPresent()) {
            return fail(entry, location, passed, notes, quick.get());
        }
        boolean encrypted = Encryption.isEncryptedName(entry.fileName());
        Compression compression = Compression.forFileName(Encryption.withoutSuffix(entry.fileName()));
        try (InputStream in = catalog.store().open(entry.key());
             DumpReader reader = new DumpReader(in, compression, encrypted ? keys : Decryption.NONE, entry.size())) {
            String decompressionError = null;
            DecryptionException decryptionError = null;
            try {
                if (consumer != null) {
                    feed(reader.plain(), consumer);
                }
                reader.drain();
            } catch (ConsumerFailure e) {
                Optional<String> fileFault = fileFaultBehind(reader, manifest);
                if (fileFault.isPresent()) {
                    return fail(entry, location, passed, notes, fileFault.get());
                }
                throw e;
            } catch (DecryptionException e) {
                decryptionError = e;
                reader.drainStored();
            } catch (IOException e) {
                decompressionError = describe(e);
                reader.drainStored();
                if (reader.decryptionFailure().orElse(null) instanceof DecryptionException d) {
                    decryptionError = d;
                }
            }
            if (decryptionError != null) {
                decompressionError = "cannot decrypt: " + decryptionError.getMessage();
            }
            if (manifest.isPresent()) {
                BackupManifest.Sizes stored = manifest.get().stored();
                if (stored.bytes() != reader.storedBytes() || !stored.sha256().equals(reader.storedSha256())) {
                    return fail(entry, location, passed, notes, "checksum mismatch: the file's SHA-256 differs from its manifest (corrupted or altered)"
                            + (decompressionError == null ? "" : "; decompression also failed: " + decompressionError));
                }
                passed.add("checksum");
            }
            if (decryptionError != null && decryptionError.reason() == DecryptionException.Reason.NO_KEY && !keyRequired) {
                keyProblem[0] = true;
                if (manifest.isEmpty()) {
                    return fail(entry, location, passed, notes, "nothing could be checked: no manifest, and " + decryptionError.getMessage());
                }
                notes.add("encrypted: contents not checked without the key (" + decryptionError.getMessage() + ")");
                return new VerificationResult(entry.key(), location, passed, Optional.empty(), notes, null, 0);
            }
            if (decryptionError != null) {
                keyProblem[0] = decryptionError.reason() == DecryptionException.Reason.NO_KEY
                        || decryptionError.reason() == DecryptionException.Reason.WRONG_KEY;
                return fail(entry, location, passed, notes, decompressionError);
            }
            if (decompressionError != null) {
                return fail(entry, location, passed, notes, "decompression failed: " + decompressionError);
            }
            if (encrypted) {
                passed.add("decryption");
            }
            passed.add("decompression");
            if (manifest.isPresent() && manifest.get().plain() != null && manifest.get().plain().sha256() != null) {
                if (!manifest.get().plain().sha256().equals(reader.plainSha256()) || manifest.get().plain().bytes() != reader.plainBytes()) {
                    return fail(entry, location, passed, notes, "the decompressed SQL differs from the manifest's checksum");
                }
                passed.add("sql checksum");
            }
            Optional<String> marker = DumpMarkers.recognise(reader.lastLine());
            if (marker.isEmpty()) {
                return fail(entry, location, passed, notes, "the dump has no end marker (it was cut short): last line is '"
                        + abbreviate(reader.lastLine()) + "'");
            }
            passed.add("end marker");
            return new VerificationResult(entry.key(), location, passed, Optional.empty(), notes, marker.get(), reader.plainBytes());
        } catch (IOException e) {
            return fail(entry, location, passed, notes, "cannot read the file: " + describe(e));
        }
    }

    /**
     * After the consumer failed (say, on SQL that a damaged file decompressed to before its checksum was reached): the
     * file's own fault when it has one, so a damaged backup is reported as damaged rather than as a failed restore.
     */
    private static Optional<String> fileFaultBehind(DumpReader reader, Optional<BackupManifest> manifest) {
        try {
            reader.drainStored();
        } catch (IOException e) {
            return Optional.of("cannot read the file: " + describe(e));
        }
        if (reader.decryptionFailure().isPresent()) {
            return Optional.of("cannot decrypt: " + describe(reader.decryptionFailure().get()));
        }
        if (manifest.isPresent() && (manifest.get().stored().bytes() != reader.storedBytes()
                || !manifest.get().stored().sha256().equals(reader.storedSha256()))) {
            return Optional.of("checksum mismatch: the file's SHA-256 differs from its manifest (corrupted or altered)");
        }
        return Optional.empty();
    }

    /** Runs the consumer; a read failure of the file is rethrown as such, anything else is the consumer's own failure. */
    private static void feed(InputStream plain, PlainSqlConsumer consumer) throws IOException {
        ReadFailureRecorder recorded = new ReadFailureRecorder(plain);
        try {
            consumer.accept(recorded);
        } catch (IOException | EngineException | RuntimeException e) {
            if (recorded.failure != null) {
                throw recorded.failure;
            }
            throw new ConsumerFailure(e);
        }
    }

    /** Remembers the first exception the file's own stream threw, whatever the consumer made of it. */
    private static final class ReadFailureRecorder extends FilterInputStream {
        IOException failure;

        ReadFailureRecorder(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
        }
    }

    private static VerificationResult fail(CatalogEntry entry, String location, List<String> passed, List<String> notes, String why) {
        return new VerificationResult(entry.key(), location, passed, Optional.of(why), notes, null, 0);
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String abbreviate(String line) {
        if (line == null) {
            return "";
        }
        return line.length() > 60 ? line.substring(0, 60) + "…" : line;
    }
}
