package dev.dbbackup.operation;

/** The documented, stable process exit codes. */
public enum ExitCode {
    OK(0, "success"),
    FAILURE(1, "the operation failed (backup, restore, prune or I/O error)"),
    USAGE(2, "usage or configuration error: bad flag, setting or URL"),
    VERIFICATION_FAILED(3, "a backup failed verification (checksum, decompression, end marker, row counts)"),
    TARGET_NOT_EMPTY(4, "the restore target already holds tables; use --clean or another target"),
    LOCK_HELD(5, "another dbbackup run holds the lock"),
    NOT_CONFIRMED(6, "the restore was not confirmed (no --yes and no terminal, or answered no)"),
    NOT_FOUND(7, "no such backup (file missing, or no backup for 'latest')"),
    UNHEALTHY(8, "health check: the newest good backup is older than the limit, or there is none");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
