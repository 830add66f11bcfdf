package dev.dbbackup.pipeline.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.engine.DumpMarkers;
import dev.dbbackup.engine.DumpResult;
import dev.dbbackup.pipeline.Compression;
import dev.dbbackup.pipeline.DumpReader;
import dev.dbbackup.pipeline.DumpWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.operator.bc.BcPBEKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bouncy Castle to Bouncy Castle: what we write we read back, and what is damaged or locked is refused with the reason. */
class OpenPgpRoundTripTest {

    private static final String PASSPHRASE = "correct horse battery staple 42";
    private static final DumpResult RESULT = new DumpResult("3.46", "app.db", Map.of("t", 2L));

    private static TestKeys alice;
    private static TestKeys bob;
    private static TestKeys carol;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        alice = TestKeys.generate("Alice <alice@example.org>", "alice's key passphrase");
        bob = TestKeys.generate("Bob <bob@example.org>", null);
        carol = TestKeys.generate("Carol <carol@example.org>", "carol's key passphrase");
    }

    private static String sql(int lines) {
        StringBuilder sql = new StringBuilder("CREATE TABLE t(x, y);\n");
        for (int i = 0; i < lines; i++) {
            sql.append("INSERT INTO t VALUES(").append(i).append(", 'row ").append(i).append("');\n");
        }
        return sql.append(DumpMarkers.END_OF_DUMP).append('\n').toString();
    }

    private static DumpWriter.Written write(ByteArrayOutputStream stored, Encryption encryption, String sql) throws Exception {
        return DumpWriter.write(stored, Compression.gzip(6), encryption, out -> {
            out.write(sql.getBytes(StandardCharsets.UTF_8));
            return RESULT;
        });
    }

    private static String read(byte[] stored, Decryption decryption, DumpWriter.Written written) throws IOException {
        try (DumpReader reader = new DumpReader(new ByteArrayInputStream(stored), Compression.gzip(6), decryption)) {
            String plain = new String(reader.plain().readAllBytes(), StandardCharsets.UTF_8);
            reader.drain();
            assertEquals(written.storedSha256(), reader.storedSha256());
            assertEquals(written.storedBytes(), reader.storedBytes());
            assertEquals(written.plainSha256(), reader.plainSha256());
            assertEquals(DumpMarkers.END_OF_DUMP, reader.lastLine());
            return plain;
        }
    }

    private static OpenPgpDecryption withPassphrase(String passphrase) {
        return new OpenPgpDecryption(Optional.of(Passphrase.of(passphrase)), Optional.empty(), Optional.empty());
    }

    private static OpenPgpDecryption withSecretKey(TestKeys keys, String keyPassphrase) throws Exception {
        return new OpenPgpDecryption(Optional.empty(), Optional.of(OpenPgpDecryption.readSecretKeys(keys.armoredSecret())),
                Optional.ofNullable(keyPassphrase).map(Passphrase::of));
    }

    private static byte[] encryptRaw(Encryption encryption, byte[] data) throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (OutputStream out = encryption.encrypt(stored)) {
            out.write(data);
        }
        return stored.toByteArray();
    }

    private static byte[] decryptRaw(Decryption decryption, byte[] stored) throws IOException {
        try (InputStream in = decryption.decrypt(new ByteArrayInputStream(stored))) {
            return in.readAllBytes();
        }
    }

    @Test
    void passphraseBackupRoundTripsAndStoredSumsAreOfTheEncryptedBytes() throws Exception {
        String sql = sql(2000);
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        DumpWriter.Written written = write(stored, OpenPgpEncryption.withPassphrase(Passphrase.of(PASSPHRASE)), sql);
        byte[] bytes = stored.toByteArray();

        assertEquals(sha256(bytes), written.storedSha256());
        assertEquals(bytes.length, written.storedBytes());
        assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains("INSERT"), "stored bytes must not be plain");
        assertEquals(sql, read(bytes, withPassphrase(PASSPHRASE), written));
    }

    @Test
    void eachOfSeveralRecipientsOpensThePublicKeyBackupAlone() throws Exception {
        String sql = sql(500);
        List<Recipient> recipients = List.of(recipient(alice), recipient(bob), recipient(carol));
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        DumpWriter.Written written = write(stored, OpenPgpEncryption.toRecipients(recipients), sql);

        assertEquals(sql, read(stored.toByteArray(), withSecretKey(alice, "alice's key passphrase"), written));
        assertEquals(sql, read(stored.toByteArray(), withSecretKey(bob, null), written));
        assertEquals(sql, read(stored.toByteArray(), withSecretKey(carol, "carol's key passphrase"), written));
    }

    @Test
    void recipientsAreNamedByEncryptionSubkeyIdPrimaryFingerprintAndUserId() throws Exception {
        Recipient recipient = recipient(alice);
        assertEquals(alice.encryptionKeyId(), recipient.keyId());
        assertEquals(Recipient.hex(alice.publicRing().getPublicKey().getFingerprint()), recipient.fingerprint());
        assertEquals("Alice <alice@example.org>", recipient.userId());
        assertEquals(16, recipient.keyId().length());
    }

    @Test
    void publicKeysLoadFromArmoredAndBinaryFilesAndSecretKeysFromPathOrArmoredText() throws Exception {
        Path armored = alice.writePublic(dir.resolve("alice.asc"), true);
        Path binary = bob.writePublic(dir.resolve("bob.gpg"), false);
        List<Recipient> recipients = Recipient.load(List.of(armored, binary), Instant.now());
        assertEquals(List.of(alice.encryptionKeyId(), bob.encryptionKeyId()), recipients.stream().map(Recipient::keyId).toList());

        byte[] stored = encryptRaw(OpenPgpEncryption.toRecipients(recipients), "payload".getBytes(StandardCharsets.UTF_8));
        Path secretBinary = bob.writeSecret(dir.resolve("bob-secret.gpg"), false);
        EncryptionSettings byPath = EncryptionSettings.resolve(null, null, null, secretBinary.toString(), null);
        assertEquals("payload", new String(decryptRaw(OpenPgpDecryption.fromSettings(byPath), stored), StandardCharsets.UTF_8));
        EncryptionSettings byText = EncryptionSettings.resolve(null, null, null, alice.armoredSecret(), "alice's key passphrase");
        assertEquals("payload", new String(decryptRaw(OpenPgpDecryption.fromSettings(byText), stored), StandardCharsets.UTF_8));
    }

    @Test
    void wrongPassphraseIsRefusedAsWrongKey() throws Exception {
        byte[] stored = encryptRaw(OpenPgpEncryption.withPassphrase(Passphrase.of(PASSPHRASE)), new byte[1000]);
        DecryptionException e = assertThrows(DecryptionException.class, () -> decryptRaw(withPassphrase("not the passphrase"), stored));
        assertEquals(DecryptionException.Reason.WRONG_KEY, e.reason());
        assertTrue(e.getMessage().contains("BACKUP_ENCRYPTION_PASSPHRASE"), e.getMessage());
        assertFalse(e.getMessage().contains("not the passphrase"), e.getMessage());
    }

    @Test
    void secretKeyOfAnotherRecipientIsRefusedNamingTheKeysThatWouldOpenIt() throws Exception {
        byte[] stored = encryptRaw(OpenPgpEncryption.toRecipients(List.of(recipient(alice))), new byte[1000]);
        DecryptionException e = assertThrows(DecryptionException.class, () -> decryptRaw(withSecretKey(bob, null), stored));
        assertEquals(DecryptionException.Reason.WRONG_KEY, e.reason());
        assertTrue(e.getMessage().contains(alice.encryptionKeyId()), e.getMessage());
    }

    @Test
    void protectedSecretKeyNeedsItsOwnPassphrase() throws Exception {
        byte[] stored = encryptRaw(OpenPgpEncryption.toRecipients(List.of(recipient(alice))), new byte[1000]);
        DecryptionException missing = assertThrows(DecryptionException.class, () -> decryptRaw(withSecretKey(alice, null), stored));
        assertEquals(DecryptionException.Reason.NO_KEY, missing.reason());
        assertTrue(missing.getMessage().contains("BACKUP_DECRYPTION_PASSPHRASE_FILE"), missing.getMessage());
        DecryptionException wrong = assertThrows(DecryptionException.class, () -> decryptRaw(withSecretKey(alice, "wrong"), stored));
        assertEquals(DecryptionException.Reason.WRONG_KEY, wrong.reason());
        assertEquals(1000, decryptRaw(withSecretKey(alice, "alice's key passphrase"), stored).length);
    }

    @Test
    void withoutAnyKeyTheErrorSaysWhatWouldOpenTheFile() throws Exception {
        byte[] byKey = encryptRaw(OpenPgpEncryption.toRecipients(List.of(recipient(alice), recipient(bob))), new byte[10]);
        DecryptionException e = assertThrows(DecryptionException.class, () -> decryptRaw(OpenPgpDecryption.withoutKeys(), byKey));
        assertEquals(DecryptionException.Reason.NO_KEY, e.reason());
        assertTrue(e.getMessage().contains(alice.encryptionKeyId()) && e.getMessage().contains(bob.encryptionKeyId()), e.getMessage());
        byte[] byPassphrase = encryptRaw(OpenPgpEncryption.withPassphrase(Passphrase.of(PASSPHRASE)), new byte[10]);
        DecryptionException p = assertThrows(DecryptionException.class, () -> decryptRaw(OpenPgpDecryption.withoutKeys(), byPassphrase));
        assertEquals(DecryptionException.Reason.NO_KEY, p.reason());
        assertTrue(p.getMessage().contains("BACKUP_ENCRYPTION_PASSPHRASE_FILE"), p.getMessage());
    }

    @Test
    void aFlippedByteInTheMiddleFailsTheIntegrityCheck() throws Exception {
        byte[] data = randomBytes(300_000);
        byte[] stored = encryptRaw(OpenPgpEncryption.withPassphrase(Passphrase.of(PASSPHRASE)), data);
        stored[stored.length / 2] ^= 0x01;
        DecryptionException e = assertThrows(DecryptionException.class, () -> decryptRaw(withPassphrase(PASSPHRASE), stored));
        assertEquals(DecryptionException.Reason.DAMAGED, e.reason());
        assertTrue(e.getMessage().contains("altered"), e.getMessage());
    }

    @Test
    void aTruncatedFileIsReportedAsDamaged() throws Exception {
        byte[] stored = encryptRaw(OpenPgpEncryption.toRecipients(List.of(recipient(bob))), randomBytes(300_000));
        for (int cut : new int[] {stored.length - 1, stored.length - 22, stored.length / 2, 700}) {
            byte[] truncated = java.util.Arrays.copyOf(stored, cut);
            DecryptionException e = assertThrows(DecryptionException.class, () -> decryptRaw(withSecretKey(bob, null), truncated),
                    "cut at " + cut);
            assertEquals(DecryptionException.Reason.DAMAGED, e.reason(), e.getMessage());
        }
    }

    @Test
    void aMessageWithoutIntegrityProtectionIsRefused() throws Exception {
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
                new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(false));
        generator.addMethod(new BcPBEKeyEncryptionMethodGenerator(PASSPHRASE.toCharArray()));
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (OutputStream encrypted = generator.open(stored, new byte[4096]);
             OutputStream literal = new PGPLiteralDataGenerator().open(encrypted, PGPLiteralDataGenerator.BINARY, "", new java.util.Date(), new byte[4096])) {
            literal.write(new byte[100]);
        }
        DecryptionException e = assertThrows(DecryptionException.class, () -> decryptRaw(withPassphrase(PASSPHRASE), stored.toByteArray()));
        assertEquals(DecryptionException.Reason.UNSUPPORTED, e.reason());
        assertTrue(e.getMessage().contains("integrity"), e.getMessage());
    }

    @Test
    void aFileThatIsNotOpenPgpIsRefused() throws Exception {
        ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        write(gzip, Encryption.NONE, sql(3));
        DecryptionException e = assertThrows(DecryptionException.class, () -> decryptRaw(withPassphrase(PASSPHRASE), gzip.toByteArray()));
        assertEquals(DecryptionException.Reason.UNSUPPORTED, e.reason());
        assertThrows(DecryptionException.class, () -> decryptRaw(withPassphrase(PASSPHRASE), new byte[0]));
    }

    @Test
    void aWrongKeyStillLetsTheReaderHashTheWholeStoredFile() throws Exception {
        String sql = sql(100);
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        DumpWriter.Written written = write(stored, OpenPgpEncryption.withPassphrase(Passphrase.of(PASSPHRASE)), sql);
        try (DumpReader reader = new DumpReader(new ByteArrayInputStream(stored.toByteArray()), Compression.gzip(6), withPassphrase("wrong"))) {
            assertThrows(DecryptionException.class, reader::drain);
            reader.drainStored();
            assertEquals(written.storedSha256(), reader.storedSha256());
            assertEquals(DecryptionException.Reason.WRONG_KEY, ((DecryptionException) reader.decryptionFailure().orElseThrow()).reason());
        }
    }

    @Test
    void encryptionStreamsInsteadOfHoldingTheFile() throws Exception {
        long[] reachedSink = {0};
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                reachedSink[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                reachedSink[0] += len;
            }
        };
        byte[] chunk = randomBytes(1 << 20);
        OutputStream out = OpenPgpEncryption.withPassphrase(Passphrase.of(PASSPHRASE)).encrypt(sink);
        for (int i = 0; i < 16; i++) {
            out.write(chunk);
        }
        assertTrue(reachedSink[0] > 15L << 20, "only " + reachedSink[0] + " bytes reached the file before close");
        out.close();
    }

    @Test
    void aeadMessagesFromNewerOpenPgpToolsAlsoOpen() throws Exception {
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
                new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithAEAD(org.bouncycastle.bcpg.AEADAlgorithmTags.OCB, 10)
                        .setUseV5AEAD());
        generator.addMethod(new BcPBEKeyEncryptionMethodGenerator(PASSPHRASE.toCharArray()));
        byte[] data = randomBytes(50_000);
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (OutputStream encrypted = generator.open(stored, new byte[4096]);
             OutputStream literal = new PGPLiteralDataGenerator().open(encrypted, PGPLiteralDataGenerator.BINARY, "", new java.util.Date(), new byte[4096])) {
            literal.write(data);
        }
        assertArrayEquals(data, decryptRaw(withPassphrase(PASSPHRASE), stored.toByteArray()));
    }

    @Test
    void publicKeyFilesThatCannotEncryptAreRefusedNamingTheFile() throws Exception {
        Path missing = dir.resolve("missing.asc");
        KeyFileException none = assertThrows(KeyFileException.class, () -> Recipient.load(missing, Instant.now()));
        assertTrue(none.getMessage().contains(missing.toString()), none.getMessage());

        Path secretInstead = alice.writeSecret(dir.resolve("secret.asc"), true);
        KeyFileException secret = assertThrows(KeyFileException.class, () -> Recipient.load(secretInstead, Instant.now()));
        assertTrue(secret.getMessage().contains("secret.asc"), secret.getMessage());

        Path signOnly = TestKeys.generate("Sign Only <s@example.org>", null, 0, false).writePublic(dir.resolve("sign-only.asc"), true);
        KeyFileException noSubkey = assertThrows(KeyFileException.class, () -> Recipient.load(signOnly, Instant.now()));
        assertTrue(noSubkey.getMessage().contains("no valid encryption subkey"), noSubkey.getMessage());

        Path expiring = TestKeys.generate("Soon <soon@example.org>", null, 3600, true).writePublic(dir.resolve("expiring.asc"), true);
        assertEquals(1, Recipient.load(expiring, Instant.now()).size());
        KeyFileException expired = assertThrows(KeyFileException.class, () -> Recipient.load(expiring, Instant.now().plusSeconds(86_400)));
        assertTrue(expired.getMessage().contains("expired"), expired.getMessage());
    }

    @Test
    void secretKeySettingThatIsNoKeyIsRefusedWithoutEchoingIt() throws Exception {
        Path publicOnly = alice.writePublic(dir.resolve("public.asc"), true);
        KeyFileException notSecret = assertThrows(KeyFileException.class, () -> OpenPgpDecryption.readSecretKeys(publicOnly.toString()));
        assertTrue(notSecret.getMessage().contains("export-secret-keys"), notSecret.getMessage());
        String garbage = "c2VjcmV0IGtleSBtYXRlcmlhbA==\nmore\n";
        KeyFileException bad = assertThrows(KeyFileException.class, () -> OpenPgpDecryption.readSecretKeys(garbage));
        assertFalse(bad.getMessage().contains("c2VjcmV0"), bad.getMessage());
        KeyFileException missing = assertThrows(KeyFileException.class, () -> OpenPgpDecryption.readSecretKeys("/no/such/key.asc"));
        assertTrue(missing.getMessage().contains("BACKUP_DECRYPTION_KEY"), missing.getMessage());
    }

    @Test
    void secretKeyCollectionReadsSeveralKeysFromOneFile() throws Exception {
        PGPSecretKeyRingCollection both = OpenPgpDecryption.readSecretKeys(alice.armoredSecret() + "\n" + bob.armoredSecret());
        assertEquals(2, both.size());
    }

    private static Recipient recipient(TestKeys keys) throws Exception {
        return Recipient.fromRing(keys.publicRing(), Path.of("test"), Instant.now());
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
