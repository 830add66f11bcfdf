package dev.dbbackup.pipeline.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.pipeline.Compression;
import dev.dbbackup.pipeline.DumpReader;
import dev.dbbackup.pipeline.DumpWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both directions with the real gpg 2.2: stock gpg opens every file we write, and we open what stock gpg writes. */
class GpgInteroperabilityTest {

    private static final String BACKUP_PASSPHRASE = "backup passphrase: long, random and kept in a secret file";
    private static final DumpResult RESULT = new DumpResult("3.46", "app.db", Map.of("t", 3L));

    @TempDir
    static Path shared;

    private static GnuPg rsaHome;
    private static GnuPg curveHome;
    private static String rsaKey;
    private static String curveKey;
    private static Path rsaKeyPassphrase;
    private static Path curveKeyPassphrase;
    private static Path backupPassphrase;

    @TempDir
    Path dir;

    @BeforeAll
    static void homes() throws Exception {
        rsaHome = GnuPg.in(Files.createDirectories(shared.resolve("rsa")));
        curveHome = GnuPg.in(Files.createDirectories(shared.resolve("curve")));
        rsaKeyPassphrase = rsaHome.passphraseFile("rsa-key.pass", "rsa key passphrase");
        curveKeyPassphrase = curveHome.passphraseFile("curve-key.pass", "curve key passphrase");
        backupPassphrase = rsaHome.passphraseFile("backup.pass", BACKUP_PASSPHRASE);
        rsaKey = rsaHome.generateKey("Backups RSA <rsa@example.org>", "rsa2048", "rsa2048", rsaKeyPassphrase);
        curveKey = curveHome.generateKey("Backups 25519 <curve@example.org>", "ed25519", "cv25519", curveKeyPassphrase);
    }

    @AfterAll
    static void stopAgents() {
        rsaHome.close();
        curveHome.close();
    }

    private static String sql() {
        StringBuilder sql = new StringBuilder("CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT);\n");
        for (int i = 0; i < 5000; i++) {
            sql.append("INSERT INTO t VALUES(").append(i).append(", 'message ").append(i).append(" ü');\n");
        }
        return sql.append(DumpMarkers.END_OF_DUMP).append('\n').toString();
    }

    private static DumpWriter.Written writeBackup(Path file, Encryption encryption, String sql) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            return DumpWriter.write(out, Compression.gzip(6), encryption, plain -> {
                plain.write(sql.getBytes(StandardCharsets.UTF_8));
                return RESULT;
            });
        }
    }

    private static String gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String readBackup(Path file, Decryption decryption) throws IOException {
        try (DumpReader reader = new DumpReader(Files.newInputStream(file), Compression.gzip(6), decryption)) {
            String sql = new String(reader.plain().readAllBytes(), StandardCharsets.UTF_8);
            reader.drain();
            assertEquals(DumpMarkers.END_OF_DUMP, reader.lastLine());
            return sql;
        }
    }

    private static OpenPgpDecryption passphrase(String passphrase) {
        return new OpenPgpDecryption(Optional.of(Passphrase.of(passphrase)), Optional.empty(), Optional.empty());
    }

    private static void assertCleanDecrypt(GnuPg.Result result) {
        assertEquals(0, result.exitCode(), result::toString);
        assertFalse(result.stderr().contains("WARNING"), "gpg warned:\n" + result.stderr());
    }

    @Test
    void stockGpgDecryptsOurPassphraseBackupWithoutWarnings() throws Exception {
        String sql = sql();
        Path backup = dir.resolve("backup_daily_20251104_020000.sql.gz.gpg");
        writeBackup(backup, OpenPgpEncryption.withPassphrase(Passphrase.of(BACKUP_PASSPHRASE)), sql);

        Path gz = dir.resolve("backup_daily_20251104_020000.sql.gz");
        assertCleanDecrypt(rsaHome.decrypt(backup, gz, backupPassphrase));
        assertEquals(sql, gunzip(gz));

        GnuPg.Result packets = rsaHome.listPackets(backup, backupPassphrase);
        assertTrue(packets.stdout().contains(":symkey enc packet: version 4, cipher 9"), packets.toString()); // 9 = AES-256
        assertTrue(packets.stdout().contains("mdc_method: 2"), packets.toString()); // SEIPD with SHA-1 MDC
    }

    @Test
    void stockGpgDecryptsOurPublicKeyBackupWithEitherRecipientsKeyAlone() throws Exception {
        Path rsaPublic = rsaHome.exportPublic(rsaKey, dir.resolve("rsa.asc"), true);
        Path curvePublic = curveHome.exportPublic(curveKey, dir.resolve("curve.gpg"), false);
        List<Recipient> recipients = Recipient.load(List.of(rsaPublic, curvePublic), Instant.now());
        assertEquals(List.of(rsaHome.encryptionSubkeyId(rsaKey), curveHome.encryptionSubkeyId(curveKey)),
                recipients.stream().map(Recipient::keyId).toList());
        assertEquals(List.of(rsaKey, curveKey), recipients.stream().map(Recipient::fingerprint).toList());

        String sql = sql();
        Path backup = dir.resolve("backup.sql.gz.gpg");
        writeBackup(backup, OpenPgpEncryption.toRecipients(recipients), sql);

        Path viaRsa = dir.resolve("via-rsa.sql.gz");
        assertCleanDecrypt(rsaHome.decrypt(backup, viaRsa, rsaKeyPassphrase));
        assertEquals(sql, gunzip(viaRsa));
        Path viaCurve = dir.resolve("via-curve.sql.gz");
        assertCleanDecrypt(curveHome.decrypt(backup, viaCurve, curveKeyPassphrase));
        assertEquals(sql, gunzip(viaCurve));
    }

    @Test
    void stockGpgRejectsOurBackupWhenAByteWasChanged() throws Exception {
        Path backup = dir.resolve("backup.sql.gz.gpg");
        writeBackup(backup, OpenPgpEncryption.withPassphrase(Passphrase.of(BACKUP_PASSPHRASE)), sql());
        byte[] bytes = Files.readAllBytes(backup);
        bytes[bytes.length - 10] ^= 0x40;
        Files.write(backup, bytes);
        GnuPg.Result result = rsaHome.decrypt(backup, dir.resolve("out.sql.gz"), backupPassphrase);
        assertNotEquals(0, result.exitCode(), result::toString);
    }

    @Test
    void weOpenABackupThatStockGpgEncryptedWithAPassphrase() throws Exception {
        String sql = sql();
        Path gz = dir.resolve("backup.sql.gz");
        writeBackup(gz, Encryption.NONE, sql);
        Path aes256 = rsaHome.encryptSymmetric(gz, dir.resolve("backup.sql.gz.gpg"), backupPassphrase);
        assertEquals(sql, readBackup(aes256, passphrase(BACKUP_PASSPHRASE)));

        // gpg's own defaults (its default cipher, its S2K), not just the documented command
        Path defaults = dir.resolve("defaults.sql.gz.gpg");
        rsaHome.gpg(List.of("--passphrase-file", backupPassphrase.toString(), "--symmetric", "--output", defaults.toString(), gz.toString()));
        assertEquals(sql, readBackup(defaults, passphrase(BACKUP_PASSPHRASE)));
    }

    @Test
    void weOpenStockGpgMessagesThatCarryACompressionPacket() throws Exception {
        Path plain = dir.resolve("plain.sql");
        byte[] content = sql().getBytes(StandardCharsets.UTF_8);
        Files.write(plain, content);
        Path zlib = rsaHome.encryptSymmetric(plain, dir.resolve("plain.sql.gpg"), backupPassphrase, "--compress-algo", "zlib");
        GnuPg.Result packets = rsaHome.listPackets(zlib, backupPassphrase);
        assertTrue(packets.stdout().contains("compressed packet"), packets.toString());
        try (InputStream in = passphrase(BACKUP_PASSPHRASE).decrypt(Files.newInputStream(zlib))) {
            assertArrayEquals(content, in.readAllBytes());
        }
    }

    @Test
    void weOpenABackupThatStockGpgEncryptedToKeysWithTheirExportedSecretKeys() throws Exception {
        String sql = sql();
        Path gz = dir.resolve("backup.sql.gz");
        writeBackup(gz, Encryption.NONE, sql);
        rsaHome.importKey(curveHome.exportPublic(curveKey, dir.resolve("curve-pub.asc"), true));
        Path encrypted = rsaHome.encryptTo(gz, dir.resolve("backup.sql.gz.gpg"), rsaKey, curveKey);

        Path rsaSecret = rsaHome.exportSecret(rsaKey, rsaKeyPassphrase, dir.resolve("rsa-secret.asc"), true);
        EncryptionSettings rsa = EncryptionSettings.resolve(null, null, null, rsaSecret.toString(), "rsa key passphrase");
        assertEquals(sql, readBackup(encrypted, OpenPgpDecryption.fromSettings(rsa)));

        Path curveSecret = curveHome.exportSecret(curveKey, curveKeyPassphrase, dir.resolve("curve-secret.gpg"), false);
        EncryptionSettings curve = EncryptionSettings.resolve(null, null, null, curveSecret.toString(), "curve key passphrase");
        assertEquals(sql, readBackup(encrypted, OpenPgpDecryption.fromSettings(curve)));

        EncryptionSettings wrong = EncryptionSettings.resolve(null, null, null, curveSecret.toString(), "not it");
        DecryptionException e = org.junit.jupiter.api.Assertions.assertThrows(DecryptionException.class,
                () -> readBackup(encrypted, OpenPgpDecryption.fromSettings(wrong)));
        assertEquals(DecryptionException.Reason.WRONG_KEY, e.reason());
    }
}
