package dev.dbbackup.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * The manifest written beside each backup as {@code <file>.json}. It never holds a password or key material.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupManifest(
        int formatVersion,
        String tool,
        String engine,
        String serverVersion,
        String database,
        String source,
        String type,
        String file,
        String startedAt,
        String finishedAt,
        double durationSeconds,
        Sizes plain,
        Sizes stored,
        String compression,
        Encryption encryption,
        Map<String, Long> tables,
        long totalRows,
        Verification verification,
        Verification testRestore,
        String databaseId) {

    public static final int FORMAT_VERSION = 1;

    /** A manifest of a version before database identities ({@code databaseId} was added without a format change). */
    public BackupManifest(int formatVersion, String tool, String engine, String serverVersion, String database, String source, String type,
                          String file, String startedAt, String finishedAt, double durationSeconds, Sizes plain, Sizes stored,
                          String compression, Encryption encryption, Map<String, Long> tables, long totalRows, Verification verification,
                          Verification testRestore) {
        this(formatVersion, tool, engine, serverVersion, database, source, type, file, startedAt, finishedAt, durationSeconds, plain, stored,
                compression, encryption, tables, totalRows, verification, testRestore, null);
    }

    @RegisterForReflection
    public record Sizes(long bytes, String sha256) {
    }

    /**
     * How the stored file is encrypted: never key material or passphrases, only what names the key needed.
     *
     * @param format     "openpgp"
     * @param mode       "passphrase" or "pubkey"; null when unknown (a .gpg file this tool did not write)
     * @param recipients for "pubkey": the keys that open it
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Encryption(String format, String mode, String cipher, List<RecipientKey> recipients) {
    }

    /** A public key a backup is encrypted to: its encryption subkey id, primary key fingerprint and user id. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RecipientKey(String keyId, String fingerprint, String userId) {
    }

    /** The newest verification or test-restore: what was checked, when, how long it took, and whether it passed. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Verification(String state, String at, String checks, String detail, Double durationSeconds) {

        public boolean passed() {
            return "passed".equals(state);
        }
    }

    public BackupManifest withVerification(Verification newVerification) {
        return new BackupManifest(formatVersion, tool, engine, serverVersion, database, source, type, file, startedAt,
                finishedAt, durationSeconds, plain, stored, compression, encryption, tables, totalRows, newVerification, testRestore, databaseId);
    }

    public BackupManifest withTestRestore(Verification newTestRestore) {
        return new BackupManifest(formatVersion, tool, engine, serverVersion, database, source, type, file, startedAt,
                finishedAt, durationSeconds, plain, stored, compression, encryption, tables, totalRows, verification, newTestRestore, databaseId);
    }
}
