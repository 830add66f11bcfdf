package dev.dbbackup.operation;

/** The tool version written into manifests and printed by --version. */
public final class ToolVersion {
    public static final String VERSION = "0.1.0";

    private ToolVersion() {
    }
}
