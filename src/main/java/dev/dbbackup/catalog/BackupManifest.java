package dev.dbbackup.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
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
        String encryption,
        Map<String, Long> tables,
        long totalRows,
        Verification verification,
        Verification testRestore) {

    public static final int FORMAT_VERSION = 1;

    @RegisterForReflection
    public record Sizes(long bytes, String sha256) {
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
                finishedAt, durationSeconds, plain, stored, compression, encryption, tables, totalRows, newVerification, testRestore);
    }

    public BackupManifest withTestRestore(Verification newTestRestore) {
        return new BackupManifest(formatVersion, tool, engine, serverVersion, database, source, type, file, startedAt,
                finishedAt, durationSeconds, plain, stored, compression, encryption, tables, totalRows, verification, newTestRestore);
    }
}
