package dev.dbbackup.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A second, unprivileged system user ({@value #NAME}) that plays the less trusted local user of the security tests: it
 * owns the application's folder and plants files there with its own rights (setpriv), while dbbackup runs as root.
 */
public final class OtherUser {

    public static final String NAME = "dbbackup-other";

    private OtherUser() {
    }

    /** Creates the user once per machine (the tests run as root). */
    public static synchronized void ensure() throws IOException {
        try {
            PostgresServers.run(List.of("id", "-u", NAME), null);
        } catch (IllegalStateException missing) {
            PostgresServers.run(List.of("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", NAME), null);
        }
    }

    /** A new folder under /tmp that the other user owns (0755, so root's runs and the user both reach it). */
    public static Path ownedFolder(String prefix) throws IOException {
        ensure();
        Path folder = Files.createTempDirectory(Path.of("/tmp"), prefix);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        chown(folder);
        return folder;
    }

    /** Gives {@code path} (not a link's target) to the other user. */
    public static void chown(Path path) throws IOException {
        PostgresServers.run(List.of("chown", "-h", NAME + ":" + NAME, path.toString()), null);
    }

    /** Runs a command as the other user; fails with its output when it exits non-zero. */
    public static String run(String... command) throws IOException {
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + NAME, "--regid=" + NAME, "--init-groups", "--"));
        wrapped.addAll(List.of(command));
        return PostgresServers.run(wrapped, null);
    }

    /** Removes a folder tree the tests made (as root). */
    public static void remove(Path folder) throws IOException {
        if (folder != null) {
            PostgresServers.run(List.of("rm", "-rf", "--one-file-system", folder.toString()), null);
        }
    }
}
