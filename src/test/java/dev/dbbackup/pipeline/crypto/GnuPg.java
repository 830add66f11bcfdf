package dev.dbbackup.pipeline.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code gpg} binary in a throwaway home folder, run in batch mode with passphrases from files (never on
 * the command line). Close it to stop its agent.
 */
public final class GnuPg implements AutoCloseable {

    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private final Path home;
    private final Path work;

    private GnuPg(Path home, Path work) {
        this.home = home;
        this.work = work;
    }

    /** A new, empty GNUPGHOME under {@code parent}. */
    public static GnuPg in(Path parent) throws IOException {
        Path home = Files.createDirectories(parent.resolve("gnupg-home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        return new GnuPg(home, parent);
    }

    public Path home() {
        return home;
    }

    /** Writes a passphrase file (mode 0600) and returns its path. */
    public Path passphraseFile(String name, String passphrase) throws IOException {
        Path file = work.resolve(name);
        Files.writeString(file, passphrase + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /**
     * Generates a key: {@code primaryAlgo} signs and certifies, {@code subkeyAlgo} encrypts, both never expire,
     * protected by the passphrase in {@code passphraseFile} (null: unprotected). Returns the primary fingerprint.
     */
    public String generateKey(String userId, String primaryAlgo, String subkeyAlgo, Path passphraseFile) {
        List<String> protection = passphraseFile == null ? List.of("--passphrase", "") : List.of("--passphrase-file", passphraseFile.toString());
        List<String> gen = new ArrayList<>(protection);
        gen.addAll(List.of("--quick-gen-key", userId, primaryAlgo, "sign,cert", "never"));
        require(gpg(gen));
        String fingerprint = fingerprint(userId);
        List<String> add = new ArrayList<>(protection);
        add.addAll(List.of("--quick-add-key", fingerprint, subkeyAlgo, "encr", "never"));
        require(gpg(add));
        return fingerprint;
    }

    public String fingerprint(String userId) {
        Result list = require(gpg(List.of("--with-colons", "--list-keys", userId)));
        return list.stdout().lines().filter(l -> l.startsWith("fpr:")).findFirst()
                .map(l -> l.split(":")[9]).orElseThrow(() -> new AssertionError("no fingerprint for " + userId + "\n" + list));
    }

    /** The id of the encryption subkey, as {@code gpg --list-keys} shows it. */
    public String encryptionSubkeyId(String fingerprint) {
        Result list = require(gpg(List.of("--with-colons", "--list-keys", fingerprint)));
        return list.stdout().lines().filter(l -> l.startsWith("sub:") && l.split(":")[11].contains("e")).findFirst()
                .map(l -> l.split(":")[4]).orElseThrow(() -> new AssertionError("no encryption subkey\n" + list));
    }

    public Path exportPublic(String fingerprint, Path file, boolean armored) {
        List<String> args = new ArrayList<>(armored ? List.of("--armor") : List.of());
        args.addAll(List.of("--output", file.toString(), "--export", fingerprint));
        require(gpg(args));
        return file;
    }

    public Path exportSecret(String fingerprint, Path passphraseFile, Path file, boolean armored) {
        List<String> args = new ArrayList<>(armored ? List.of("--armor") : List.of());
        if (passphraseFile != null) {
            args.addAll(List.of("--passphrase-file", passphraseFile.toString()));
        }
        args.addAll(List.of("--output", file.toString(), "--export-secret-keys", fingerprint));
        require(gpg(args));
        return file;
    }

    public void importKey(Path file) {
        require(gpg(List.of("--import", file.toString())));
    }

    public Result decrypt(Path encrypted, Path output, Path passphraseFile) {
        List<String> args = new ArrayList<>();
        if (passphraseFile != null) {
            args.addAll(List.of("--passphrase-file", passphraseFile.toString()));
        }
        args.addAll(List.of("--output", output.toString(), "--decrypt", encrypted.toString()));
        return gpg(args);
    }

    /** {@code gpg --symmetric --cipher-algo AES256}, plus any extra options. */
    public Path encryptSymmetric(Path plain, Path output, Path passphraseFile, String... extra) {
        List<String> args = new ArrayList<>(List.of("--passphrase-file", passphraseFile.toString(), "--symmetric", "--cipher-algo", "AES256"));
        args.addAll(List.of(extra));
        args.addAll(List.of("--output", output.toString(), plain.toString()));
        require(gpg(args));
        return output;
    }

    /** {@code gpg --encrypt -r KEY ...}. */
    public Path encryptTo(Path plain, Path output, String... fingerprints) {
        List<String> args = new ArrayList<>(List.of("--trust-model", "always", "--encrypt"));
        for (String fingerprint : fingerprints) {
            args.addAll(List.of("--recipient", fingerprint));
        }
        args.addAll(List.of("--output", output.toString(), plain.toString()));
        require(gpg(args));
        return output;
    }

    public Result listPackets(Path file, Path passphraseFile) {
        List<String> args = new ArrayList<>();
        if (passphraseFile != null) {
            args.addAll(List.of("--passphrase-file", passphraseFile.toString()));
        }
        args.addAll(List.of("--list-packets", file.toString()));
        return gpg(args);
    }

    public Result gpg(List<String> args) {
        List<String> command = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--no-tty", "--yes",
                "--pinentry-mode", "loopback"));
        command.addAll(args);
        return run(command);
    }

    private Result run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).directory(work.toFile()).start();
            process.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run gpg (is it installed? .ci/run installs the 'gnupg' package)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }

    private static Result require(Result result) {
        if (result.exitCode() != 0) {
            throw new AssertionError("gpg failed: " + result);
        }
        return result;
    }

    @Override
    public void close() {
        run(List.of("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent"));
    }
}
