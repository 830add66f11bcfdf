package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.pipeline.crypto.GnuPg;
import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SampleDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5, security: passphrases never appear in output, logs, manifests, list output, any file written, or the
 * arguments of any running process, in succeeding and failing runs alike (verbose logging on).
 */
class EncryptionSecretsCliIT {

    private static final String BACKUP_PASSPHRASE = "BackupPass-7f3a91c2-do-not-leak";
    private static final String WRONG_PASSPHRASE = "WrongPass-0b44e1d9-do-not-leak";
    private static final String KEY_PASSPHRASE = "KeyPass-52c8aa10-do-not-leak";
    private static final String WRONG_KEY_PASSPHRASE = "WrongKeyPass-9d1e33f7-do-not-leak";
    private static final List<String> SECRETS = List.of(BACKUP_PASSPHRASE, WRONG_PASSPHRASE, KEY_PASSPHRASE, WRONG_KEY_PASSPHRASE);

    @TempDir
    Path root;

    private Path dir;
    private final List<String> outputs = new ArrayList<>();
    private final Set<String> leakedCommandLines = new ConcurrentSkipListSet<>();

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "sqlite:///./app.db");
        env.put("BACKUP_LOG_FILE", dir.resolve("logs/dbbackup.log").toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    /** Runs the CLI with --verbose while watching every process's command line for a secret. */
    private Cli.Result run(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--verbose");
        Thread watcher = new Thread(this::watchProcesses);
        watcher.setDaemon(true);
        watcher.start();
        try {
            Cli.Result result = Cli.run(dir, env, all.toArray(String[]::new));
            outputs.add(result.stdout());
            outputs.add(result.stderr());
            return result;
        } finally {
            watcher.interrupt();
        }
    }

    private void expect(int exitCode, Map<String, String> env, String... args) {
        Cli.Result result = run(env, args);
        assertEquals(exitCode, result.exitCode(), () -> String.join(" ", args) + "\n" + result);
    }

    private void expectFailure(Map<String, String> env, String... args) {
        Cli.Result result = run(env, args);
        assertNotEquals(0, result.exitCode(), () -> String.join(" ", args) + "\n" + result);
    }

    private void watchProcesses() {
        while (!Thread.currentThread().isInterrupted()) {
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                processes.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
                    try {
                        String commandLine = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                        if (SECRETS.stream().anyMatch(commandLine::contains)) {
                            leakedCommandLines.add(commandLine);
                        }
                    } catch (IOException e) {
                        // the process ended meanwhile
                    }
                });
            } catch (IOException e) {
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Test
    void noPassphraseLeaksFromSucceedingOrFailingRuns() throws Exception {
        dir = Files.createDirectories(root.resolve("work"));
        Path secrets = Files.createDirectories(root.resolve("secrets"));
        SampleDatabase.create(dir.resolve("app.db"));
        Path backupPass = Files.writeString(secrets.resolve("backup.pass"), BACKUP_PASSPHRASE + "\n");
        Path wrongPass = Files.writeString(secrets.resolve("wrong.pass"), WRONG_PASSPHRASE + "\n");
        Path keyPass = Files.writeString(secrets.resolve("key.pass"), KEY_PASSPHRASE + "\n");
        Path wrongKeyPass = Files.writeString(secrets.resolve("wrong-key.pass"), WRONG_KEY_PASSPHRASE + "\n");
        Path config = Files.writeString(secrets.resolve("dbbackup.env"), "BACKUP_ENCRYPTION_PASSPHRASE=" + BACKUP_PASSPHRASE + "\nBROKEN LINE\n");
        Path publicKey;
        Path secretKey;
        try (GnuPg gpg = GnuPg.in(Files.createDirectories(root.resolve("gpg")))) {
            String key = gpg.generateKey("Ops <ops@example.org>", "ed25519", "cv25519", keyPass);
            publicKey = gpg.exportPublic(key, secrets.resolve("ops.asc"), true);
            secretKey = gpg.exportSecret(key, keyPass, secrets.resolve("ops-secret.asc"), true);
        }

        // succeeding runs: the passphrase straight in the environment (the worst case) and from a file
        expect(0, env("BACKUP_ENCRYPTION_PASSPHRASE", BACKUP_PASSPHRASE, "DBBACKUP_NOW", "2025-11-03T02:00:00Z"), "backup");
        expect(0, env("BACKUP_ENCRYPTION_PASSPHRASE_FILE", backupPass.toString(), "DBBACKUP_NOW", "2025-11-04T02:00:00Z"),
                "backup", "--encrypt");
        expect(0, env(), "list");
        expect(0, env(), "list", "--format", "json");
        expect(0, env("BACKUP_ENCRYPTION_PASSPHRASE", BACKUP_PASSPHRASE), "verify", "--all");
        expect(0, env("BACKUP_ENCRYPTION_PASSPHRASE_FILE", backupPass.toString()), "verify", "--restore", "latest");
        // restore over the data, so a safety backup is written too
        expect(0, env("BACKUP_ENCRYPTION_PASSPHRASE", BACKUP_PASSPHRASE), "restore", "latest", "--yes", "--clean");
        expect(0, env("BACKUP_ENCRYPTION_PUBLIC_KEYS", publicKey.toString(), "DBBACKUP_NOW", "2025-11-05T02:00:00Z"), "backup");
        expect(0, env("BACKUP_DECRYPTION_KEY", secretKey.toString(), "BACKUP_DECRYPTION_PASSPHRASE", KEY_PASSPHRASE),
                "restore", "latest", "--database-url", "sqlite:///./from-pubkey.db", "--yes");
        expect(0, env("BACKUP_ENCRYPTION_PASSPHRASE", BACKUP_PASSPHRASE, "BACKUP_DECRYPTION_KEY", secretKey.toString(),
                "BACKUP_DECRYPTION_PASSPHRASE_FILE", keyPass.toString()), "list");

        // failing runs
        expect(3, env("BACKUP_ENCRYPTION_PASSPHRASE", WRONG_PASSPHRASE), "verify", "--all");
        expect(3, env("BACKUP_ENCRYPTION_PASSPHRASE_FILE", wrongPass.toString()), "restore",
                "backups/daily/backup_daily_20251104_020000.sql.gz.gpg", "--database-url", "sqlite:///./never.db", "--yes");
        expect(3, env("BACKUP_DECRYPTION_KEY", secretKey.toString(), "BACKUP_DECRYPTION_PASSPHRASE", WRONG_KEY_PASSPHRASE),
                "restore", "latest", "--database-url", "sqlite:///./never.db", "--yes");
        expect(3, env("BACKUP_DECRYPTION_KEY", secretKey.toString(), "BACKUP_DECRYPTION_PASSPHRASE_FILE", wrongKeyPass.toString()),
                "verify", "--restore", "latest");
        expectFailure(env("BACKUP_ENCRYPTION_PASSPHRASE", BACKUP_PASSPHRASE, "DATABASE_URL", "sqlite:///./missing/none.db"),
                "backup");
        expect(2, env("BACKUP_ENCRYPTION_PASSPHRASE", BACKUP_PASSPHRASE, "BACKUP_ENCRYPTION_PUBLIC_KEYS", publicKey.toString()),
                "backup");
        expect(2, env("DBBACKUP_CONFIG", config.toString()), "backup");
        expect(2, env("BACKUP_ENCRYPTION_PASSPHRASE", BACKUP_PASSPHRASE, "BACKUP_RETENTION_DAYS", "many"), "backup");
        assertTrue(Files.notExists(dir.resolve("never.db")));

        for (String secret : SECRETS) {
            for (String output : outputs) {
                assertTrue(!output.contains(secret), "a passphrase appeared in the output:\n" + output);
            }
        }
        assertEquals(Set.of(), leakedCommandLines, "a passphrase appeared in a process's arguments");
        List<Path> written;
        try (Stream<Path> files = Files.walk(dir)) {
            written = files.filter(Files::isRegularFile).toList();
        }
        assertTrue(written.stream().anyMatch(p -> p.getFileName().toString().equals("dbbackup.log")), written.toString());
        assertTrue(written.stream().filter(p -> p.toString().endsWith(".gpg.json")).count() >= 3, written.toString());
        assertTrue(written.stream().anyMatch(p -> p.toString().contains("pre-restore")), written.toString());
        for (Path file : written) {
            String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String secret : SECRETS) {
                assertTrue(!content.contains(secret), "a passphrase appeared in " + dir.relativize(file));
            }
        }
    }
}
