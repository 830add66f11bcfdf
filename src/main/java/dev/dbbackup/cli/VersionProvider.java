package dev.dbbackup.cli;

import dev.dbbackup.operation.ToolVersion;
import picocli.CommandLine;

public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"dbbackup " + ToolVersion.VERSION};
    }
}
