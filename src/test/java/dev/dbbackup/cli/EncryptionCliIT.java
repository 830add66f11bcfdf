package dev.dbbackup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbbackup.pipeline.crypto.GnuPg;
import dev.dbbackup.testing.Cli;
import dev.dbbackup.testing.SampleDatabase;
import dev.dbbackup.testing.SqliteDatabaseComparator;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encrypted backups through the real packaged command line, with the real gpg on the other side. */
class EncryptionCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSPHRASE = "a long backup passphrase from a secret file";

    @TempDir
    static Path keysDir;

    private static GnuPg rsaHome;
    private static GnuPg curveHome;
    private static String rsaKey;
    private static String curveKey;
    private static Path rsaPublic;
    private static Path curvePublic;
    private static Path curveSecret;
    private static Path curveKeyPassphrase;

    @TempDir
    Path dir;

    private Path app;
    private Path passphraseFile;

    @BeforeAll
    static void keys() throws Exception {
        rsaHome = GnuPg.in(Files.createDirectories(keysDir.resolve("rsa")));
        curveHome = GnuPg.in(Files.createDirectories(keysDir.resolve("curve")));
        rsaKey = rsaHome.generateKey("Ops RSA <ops-rsa@example.org>", "rsa2048", "rsa2048", null);
        curveKeyPassphrase = curveHome.passphraseFile("curve.pass", "curve key passphrase");
        curveKey = curveHome.generateKey("Ops 25519 <ops-25519@example.org>", "ed25519", "cv25519", curveKeyPassphrase);
        rsaPublic = rsaHome.exportPublic(rsaKey, keysDir.resolve("ops-rsa.asc"), true);
        curvePublic = curveHome.exportPublic(curveKey, keysDir.resolve("ops-25519.gpg"), false);
        curveSecret = curveHome.exportSecret(curveKey, curveKeyPassphrase, keysDir.resolve("ops-25519-secret.asc"), true);
    }

    @AfterAll
    static void stopAgents() {
        rsaHome.close();
        curveHome.close();
    }

    @BeforeEach
    void createDatabase() throws Exception {
        app = SampleDatabase.create(dir.resolve("app.db"));
        passphraseFile = Files.writeString(dir.resolve("backup.pass"), PASSPHRASE + "\n");
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "sqlite:///./app.db");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private Map<String, String> withPassphrase(String... pairs) {
        Map<String, String> env = env(pairs);
        env.put("BACKUP_ENCRYPTION_PASSPHRASE_FILE", passphraseFile.toString());
        return env;
    }

    private Cli.Result dbbackup(Map<String, String> env, String... args) {
        return Cli.run(dir, env, args);
    }

    private Path backup(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("backup", "--type", "daily"));
        all.addAll(List.of(args));
        Cli.Result result = dbbackup(env, all.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result::toString);
        String line = result.stdout().lines().filter(l -> l.startsWith("backup written: ")).findFirst().orElseThrow();
        return Path.of(line.substring("backup written: ".length()));
    }

    private static JsonNode manifest(Path backup) throws Exception {
        return JSON.readTree(backup.resolveSibling(backup.getFileName() + ".json").toFile());
    }

    /** One error line naming the file, one hint line, and the exit code for a failed verification. */
    private static void assertVerificationFailure(Cli.Result result, Path backup, String why) {
        assertEquals(3, result.exitCode(), result::toString);
        List<String> errors = result.stderr().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), result::toString);
        assertTrue(errors.get(0).contains(backup.getFileName().toString()), result::toString);
        assertTrue(errors.get(0).contains(why), result::toString);
    }

    @Test
    void passphraseBackupIsAGpgFileThatStockGpgOpensAndThatRestoresVerifiesAndLists() throws Exception {
        Path backup = backup(withPassphrase());
        assertTrue(backup.getFileName().toString().matches("backup_daily_\\d{8}_\\d{6}\\.sql\\.gz\\.gpg"), backup.toString());

        JsonNode manifest = manifest(backup);
        assertEquals("openpgp", manifest.get("encryption").get("format").asText());
        assertEquals("passphrase", manifest.get("encryption").get("mode").asText());
        assertEquals("AES256", manifest.get("encryption").get("cipher").asText());
        assertEquals(sha256(Files.readAllBytes(backup)), manifest.get("stored").get("sha256").asText(), "stored sum is of the encrypted bytes");
        assertEquals(Files.size(backup), manifest.get("stored").get("bytes").asLong());

        Path gz = dir.resolve("by-gpg.sql.gz");
        GnuPg.Result decrypted = rsaHome.decrypt(backup, gz, passphraseFile);
        assertEquals(0, decrypted.exitCode(), decrypted::toString);
        assertFalse(decrypted.stderr().contains("WARNING"), decrypted::toString);
        assertEquals(0, Cli.tool(dir, "gunzip", "-t", gz.toString()).exitCode());
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            assertEquals(manifest.get("plain").get("sha256").asText(), sha256(in.readAllBytes()));
        }

        Cli.Result list = dbbackup(env(), "list");
        assertEquals(0, list.exitCode(), list::toString);
        assertTrue(list.stdout().lines().anyMatch(l -> l.contains(backup.getFileName().toString()) && l.contains("passphrase")), list::toString);
        JsonNode rows = JSON.readTree(dbbackup(env(), "list", "--format", "json").stdout());
        assertEquals("passphrase", rows.get(0).get("encryption").get("mode").asText());

        Cli.Result withoutKey = dbbackup(env(), "verify", "latest");
        assertEquals(0, withoutKey.exitCode(), withoutKey::toString);
        assertTrue(withoutKey.stdout().contains("PASS") && withoutKey.stdout().contains("(checksum)")
                && withoutKey.stdout().contains("contents not checked without the key"), withoutKey::toString);
        Cli.Result withKey = dbbackup(withPassphrase(), "verify", "latest");
        assertEquals(0, withKey.exitCode(), withKey::toString);
        assertTrue(withKey.stdout().contains("checksum, decryption, decompression, sql checksum, end marker"), withKey::toString);

        Cli.Result restored = dbbackup(withPassphrase(), "restore", "latest", "--database-url", "sqlite:///./restored.db", "--yes");
        assertEquals(0, restored.exitCode(), restored::toString);
        assertEquals(List.of(), SqliteDatabaseComparator.compare(app, dir.resolve("restored.db")));

        Cli.Result replaced = dbbackup(withPassphrase(), "restore", "latest", "--clean", "--yes");
        assertEquals(0, replaced.exitCode(), replaced::toString);
        try (var safety = Files.list(dir.resolve("backups/pre-restore"))) {
            List<String> names = safety.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(2, names.size(), names::toString);
            assertTrue(names.get(0).endsWith(".sql.gz.gpg") && names.get(1).endsWith(".sql.gz.gpg.json"),
                    "the safety backup of the replaced database is encrypted too: " + names);
        }
    }

    @Test
    void publicKeyBackupNamesItsRecipientsOpensWithEitherSecretKeyAndNeedsOneToRestore() throws Exception {
        Path backup = backup(env("BACKUP_ENCRYPTION_PUBLIC_KEYS", rsaPublic + "," + curvePublic));

        JsonNode encryption = manifest(backup).get("encryption");
        assertEquals("pubkey", encryption.get("mode").asText());
        assertEquals(rsaHome.encryptionSubkeyId(rsaKey), encryption.get("recipients").get(0).get("keyId").asText());
        assertEquals(rsaKey, encryption.get("recipients").get(0).get("fingerprint").asText());
        assertEquals("Ops RSA <ops-rsa@example.org>", encryption.get("recipients").get(0).get("userId").asText());
        assertEquals(curveHome.encryptionSubkeyId(curveKey), encryption.get("recipients").get(1).get("keyId").asText());
        String manifestText = Files.readString(backup.resolveSibling(backup.getFileName() + ".json"));
        assertFalse(manifestText.contains("BEGIN PGP"), "no key material in the manifest");

        GnuPg.Result byRsa = rsaHome.decrypt(backup, dir.resolve("rsa.sql.gz"), null);
        assertEquals(0, byRsa.exitCode(), byRsa::toString);
        assertFalse(byRsa.stderr().contains("WARNING"), byRsa::toString);

        Cli.Result noKey = dbbackup(env(), "restore", "latest", "--database-url", "sqlite:///./restored.db", "--yes");
        assertEquals(2, noKey.exitCode(), noKey::toString);
        assertTrue(noKey.stderr().contains("BACKUP_DECRYPTION_KEY"), noKey::toString);
        assertFalse(Files.exists(dir.resolve("restored.db")));

        Cli.Result testRestoreWithoutKey = dbbackup(env(), "verify", "--restore", "latest");
        assertEquals(2, testRestoreWithoutKey.exitCode(), testRestoreWithoutKey::toString);
        Cli.Result testRestore = dbbackup(env("BACKUP_DECRYPTION_KEY", curveSecret.toString(),
                "BACKUP_DECRYPTION_PASSPHRASE_FILE", curveKeyPassphrase.toString()), "verify", "--restore", "latest");
        assertEquals(0, testRestore.exitCode(), testRestore::toString);
        assertTrue(testRestore.stdout().contains("decryption") && testRestore.stdout().contains("test-restore"), testRestore::toString);

        Cli.Result restored = dbbackup(env("BACKUP_DECRYPTION_PASSPHRASE_FILE", curveKeyPassphrase.toString()),
                "restore", "latest", "--database-url", "sqlite:///./restored.db", "--yes", "--decryption-key", curveSecret.toString());
        assertEquals(0, restored.exitCode(), restored::toString);
        assertEquals(List.of(), SqliteDatabaseComparator.compare(app, dir.resolve("restored.db")));
    }

    @Test
    void restoreOpensBackupsThatStockGpgEncrypted() throws Exception {
        Path plain = backup(env());
        Path symmetric = rsaHome.encryptSymmetric(plain, dir.resolve("manual-copy.sql.gz.gpg"), passphraseFile);
        Cli.Result fromSymmetric = dbbackup(withPassphrase(), "restore", symmetric.toString(), "--database-url", "sqlite:///./a.db", "--yes");
        assertEquals(0, fromSymmetric.exitCode(), fromSymmetric::toString);
        assertEquals(List.of(), SqliteDatabaseComparator.compare(app, dir.resolve("a.db")));

        curveHome.importKey(rsaPublic);
        Path toKeys = curveHome.encryptTo(plain, dir.resolve("to-keys.sql.gz.gpg"), rsaKey, curveKey);
        Cli.Result verified = dbbackup(env("BACKUP_DECRYPTION_KEY", curveSecret.toString(),
                "BACKUP_DECRYPTION_PASSPHRASE_FILE", curveKeyPassphrase.toString()), "verify", toKeys.toString());
        assertEquals(0, verified.exitCode(), verified::toString);
        assertTrue(verified.stdout().contains("decryption, decompression"), verified::toString);
        Cli.Result fromKeys = dbbackup(env("BACKUP_DECRYPTION_KEY", curveSecret.toString(),
                "BACKUP_DECRYPTION_PASSPHRASE_FILE", curveKeyPassphrase.toString()), "restore", toKeys.toString(),
                "--database-url", "sqlite:///./b.db", "--yes");
        assertEquals(0, fromKeys.exitCode(), fromKeys::toString);
        assertEquals(List.of(), SqliteDatabaseComparator.compare(app, dir.resolve("b.db")));
    }

    @Test
    void wrongKeysTamperingAndTruncationFailWithExitThreeAndLeaveTheTargetAlone() throws Exception {
        Path backup = backup(withPassphrase());
        Files.writeString(dir.resolve("wrong.pass"), "not the passphrase\n");
        Map<String, String> wrong = env("BACKUP_ENCRYPTION_PASSPHRASE_FILE", dir.resolve("wrong.pass").toString());

        Cli.Result wrongVerify = dbbackup(wrong, "verify", backup.toString());
        assertEquals(3, wrongVerify.exitCode(), wrongVerify::toString);
        assertTrue(wrongVerify.stdout().contains("FAIL " + backup) && wrongVerify.stdout().contains("wrong passphrase"), wrongVerify::toString);
        assertFalse(manifest(backup).has("verification") && "failed".equals(manifest(backup).get("verification").get("state").asText()),
                "a wrong key does not mark the backup as failed");

        // the target holds data and --clean is given: a failure must leave it exactly as it was
        Path target = dir.resolve("target.db");
        SampleDatabase.create(target);
        String before = sha256(Files.readAllBytes(target));
        String[] restore = {"restore", backup.toString(), "--database-url", "sqlite:///./target.db", "--yes", "--clean",
                "--from-database", "app.db"};
        assertVerificationFailure(dbbackup(wrong, restore), backup, "wrong passphrase");
        assertEquals(before, sha256(Files.readAllBytes(target)));

        byte[] good = Files.readAllBytes(backup);
        byte[] tampered = good.clone();
        tampered[tampered.length / 2] ^= 0x20;
        Files.write(backup, tampered);
        assertVerificationFailure(dbbackup(withPassphrase(), restore), backup, "checksum mismatch");
        assertEquals(before, sha256(Files.readAllBytes(target)));
        Path manifest = backup.resolveSibling(backup.getFileName() + ".json");
        Path manifestAside = Files.move(manifest, dir.resolve("manifest.json"));
        assertVerificationFailure(dbbackup(withPassphrase(), restore), backup, "altered");
        assertEquals(before, sha256(Files.readAllBytes(target)));

        Files.write(backup, java.util.Arrays.copyOf(good, good.length - 100));
        assertVerificationFailure(dbbackup(withPassphrase(), restore), backup, "truncated");
        assertEquals(before, sha256(Files.readAllBytes(target)));
        Files.move(manifestAside, manifest);
        Cli.Result verifyTruncated = dbbackup(env(), "verify", backup.toString());
        assertEquals(3, verifyTruncated.exitCode(), verifyTruncated::toString);
        assertTrue(verifyTruncated.stdout().contains("FAIL " + backup), verifyTruncated::toString);
    }

    @Test
    void encryptWithoutAnyKeyIsAConfigurationErrorAndWritesNothing() {
        Cli.Result result = dbbackup(env(), "backup", "--encrypt");
        assertEquals(2, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("BACKUP_ENCRYPTION_PASSPHRASE_FILE"), result::toString);
        assertFalse(Files.exists(dir.resolve("backups/daily")) && dir.resolve("backups/daily").toFile().list().length > 0);

        Cli.Result missingKeyFile = dbbackup(env(), "backup", "--encryption-public-key", "missing.asc");
        assertEquals(2, missingKeyFile.exitCode(), missingKeyFile::toString);
        assertTrue(missingKeyFile.stderr().contains("missing.asc"), missingKeyFile::toString);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
