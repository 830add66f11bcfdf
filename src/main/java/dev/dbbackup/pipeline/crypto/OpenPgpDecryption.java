package dev.dbbackup.pipeline.crypto;

import dev.dbbackup.pipeline.PassThroughInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPBEEncryptedData;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.PBESecretKeyDecryptor;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBEDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;

/**
 * Opens OpenPGP encrypted backups, ours or stock {@code gpg}'s, with a passphrase and/or a secret key. Refuses
 * messages without integrity protection, and fails at the end of the data when the integrity check fails.
 */
public final class OpenPgpDecryption implements Decryption {

    private final Optional<Passphrase> passphrase;
    private final Optional<PGPSecretKeyRingCollection> secretKeys;
    private final Optional<Passphrase> keyPassphrase;

    public OpenPgpDecryption(Optional<Passphrase> passphrase, Optional<PGPSecretKeyRingCollection> secretKeys,
                             Optional<Passphrase> keyPassphrase) {
        this.passphrase = passphrase;
        this.secretKeys = secretKeys;
        this.keyPassphrase = keyPassphrase;
    }

    /** No key at all: reading fails with {@link DecryptionException.Reason#NO_KEY}, naming what would open the file. */
    public static OpenPgpDecryption withoutKeys() {
        return new OpenPgpDecryption(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The passphrase and secret key the settings name (reading the key file now). */
    public static OpenPgpDecryption fromSettings(EncryptionSettings settings) throws KeyFileException {
        Optional<PGPSecretKeyRingCollection> keys = Optional.empty();
        if (settings.decryptionKey().isPresent()) {
            keys = Optional.of(readSecretKeys(settings.decryptionKey().get()));
        }
        return new OpenPgpDecryption(settings.passphrase(), keys, settings.decryptionPassphrase());
    }

    /** Secret keys from an armored key (the setting's value itself) or from the file the value names. */
    static PGPSecretKeyRingCollection readSecretKeys(String value) throws KeyFileException {
        String setting = EncryptionSettings.DECRYPTION_KEY;
        byte[] bytes;
        if (value.strip().startsWith("-----BEGIN PGP")) {
            bytes = value.getBytes(StandardCharsets.UTF_8);
        } else if (value.indexOf('\uFFFD') >= 0 || value.indexOf('\n') >= 0 || value.length() > 4096) {
            // a binary key read through BACKUP_DECRYPTION_KEY_FILE, which passes text only; the value is never echoed
            throw new KeyFileException(setting + " is not an ASCII-armored secret key; export it with"
                    + " 'gpg --export-secret-keys --armor KEYID', or set " + setting + " to the key file's path");
        } else {
            Path file = Path.of(value);
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new KeyFileException(setting + " names no readable key file; set it to the path of the secret key file"
                        + " (gpg --export-secret-keys --armor KEYID > backup-key.asc)");
            }
            java.util.Optional<String> untrusted = dev.dbbackup.storage.local.PrivateFiles.untrustedBecause(file);
            if (untrusted.isPresent()) {
                throw new KeyFileException(setting + ": " + untrusted.get() + "; give it to this user or root (chown) and 'chmod o-w' it");
            }
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new KeyFileException(setting + ": the key file cannot be read (" + e.getClass().getSimpleName() + ")", e);
            }
        }
        try (InputStream in = KeyBlocks.decode(bytes)) {
            PGPSecretKeyRingCollection keys = new PGPSecretKeyRingCollection(in, new BcKeyFingerprintCalculator());
            if (keys.size() == 0) {
                throw new KeyFileException(setting + " holds no secret key");
            }
            return keys;
        } catch (IOException | PGPException | RuntimeException e) {
            throw new KeyFileException(setting + " is not an OpenPGP secret key (a public key, or damaged?); export it with"
                    + " 'gpg --export-secret-keys --armor KEYID'", e);
        }
    }

    @Override
    public InputStream decrypt(InputStream stored) throws IOException {
        PGPEncryptedDataList list = encryptedDataList(stored);
        List<String> keyIds = new ArrayList<>();
        boolean forPassphrase = false;
        DecryptionException firstFailure = null;
        for (PGPEncryptedData data : list) {
            if (!data.isIntegrityProtected() && !data.isAEAD()) {
                throw new DecryptionException(DecryptionException.Reason.UNSUPPORTED, "it is not integrity-protected (no MDC), so tampering"
                        + " could not be detected; decrypt it with 'gpg --ignore-mdc-error' only if you trust it, and re-encrypt it");
            }
            try {
                if (data instanceof PGPPBEEncryptedData pbe) {
                    forPassphrase = true;
                    if (passphrase.isPresent()) {
                        PGPSessionKey key = pbe.getSessionKey(new BcPBEDataDecryptorFactory(passphrase.get().chars(), Digests.provider()));
                        return open(pbe, pbe.getDataStream(Digests.dataDecryptor(key, pbe.isAEAD())));
                    }
                } else if (data instanceof PGPPublicKeyEncryptedData pk) {
                    keyIds.add(pk.getKeyID() == 0 ? "(hidden recipient)" : Recipient.keyId(pk.getKeyID()));
                    for (PGPSecretKey secret : candidates(pk.getKeyID())) {
                        PGPPrivateKey privateKey = unlock(secret);
                        try {
                            PGPSessionKey key = pk.getSessionKey(new BcPublicKeyDataDecryptorFactory(privateKey));
                            return open(pk, pk.getDataStream(Digests.dataDecryptor(key, pk.isAEAD())));
                        } catch (PGPException | RuntimeException e) {
                            if (pk.getKeyID() != 0) {
                                throw e;
                            }
                            // a hidden recipient: this key was not the one, try the next
                        }
                    }
                }
            } catch (PGPException | RuntimeException e) {
                if (firstFailure == null) {
                    firstFailure = data instanceof PGPPBEEncryptedData
                            ? new DecryptionException(DecryptionException.Reason.WRONG_KEY, "wrong passphrase: " + EncryptionSettings.PASSPHRASE
                            + " does not open it", e)
                            : new DecryptionException(DecryptionException.Reason.WRONG_KEY, "wrong key: the secret key in " + EncryptionSettings.DECRYPTION_KEY
                            + " does not open it (" + e.getClass().getSimpleName() + ")", e);
                }
            } catch (DecryptionException e) {
                if (firstFailure == null) {
                    firstFailure = e;
                }
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
        throw noMatchingKey(forPassphrase, keyIds);
    }

    private DecryptionException noMatchingKey(boolean forPassphrase, List<String> keyIds) {
        List<String> ways = new ArrayList<>();
        if (forPassphrase) {
            ways.add("the passphrase in " + EncryptionSettings.PASSPHRASE + "_FILE");
        }
        if (!keyIds.isEmpty()) {
            ways.add("the secret key of " + String.join(", ", keyIds) + " in " + EncryptionSettings.DECRYPTION_KEY);
        }
        boolean haveSomething = passphrase.isPresent() || secretKeys.isPresent();
        if (ways.isEmpty()) {
            return new DecryptionException(DecryptionException.Reason.UNSUPPORTED, "it is encrypted in a way this tool does not read");
        }
        String opens = "it opens with " + String.join(" or ", ways);
        if (haveSomething) {
            String have = secretKeys.isPresent() ? "the secret key in " + EncryptionSettings.DECRYPTION_KEY + " holds " + String.join(", ", ids())
                    : "only a passphrase is set";
            return new DecryptionException(DecryptionException.Reason.WRONG_KEY, "no configured key fits: " + opens + "; " + have);
        }
        return new DecryptionException(DecryptionException.Reason.NO_KEY, "it is encrypted and no key is set: " + opens);
    }

    private List<String> ids() {
        List<String> ids = new ArrayList<>();
        secretKeys.ifPresent(rings -> rings.forEach(ring -> ring.forEach(key -> ids.add(Recipient.keyId(key.getKeyID())))));
        return ids;
    }

    private List<PGPSecretKey> candidates(long keyId) throws PGPException {
        List<PGPSecretKey> found = new ArrayList<>();
        if (secretKeys.isEmpty()) {
            return found;
        }
        if (keyId != 0) {
            PGPSecretKey key = secretKeys.get().getSecretKey(keyId);
            if (key != null && !key.isPrivateKeyEmpty()) {
                found.add(key);
            }
            return found;
        }
        for (PGPSecretKeyRing ring : secretKeys.get()) {
            for (PGPSecretKey key : ring) {
                if (key.getPublicKey().isEncryptionKey() && !key.isPrivateKeyEmpty()) {
                    found.add(key);
                }
            }
        }
        return found;
    }

    private PGPPrivateKey unlock(PGPSecretKey secret) throws DecryptionException {
        String id = Recipient.keyId(secret.getKeyID());
        PBESecretKeyDecryptor decryptor = null;
        if (secret.getS2KUsage() != 0) {
            if (keyPassphrase.isEmpty()) {
                throw new DecryptionException(DecryptionException.Reason.NO_KEY, "secret key " + id + " is protected by a passphrase: set "
                        + EncryptionSettings.DECRYPTION_PASSPHRASE + "_FILE");
            }
            decryptor = new BcPBESecretKeyDecryptorBuilder(Digests.provider()).build(keyPassphrase.get().chars());
        }
        try {
            return secret.extractPrivateKey(decryptor);
        } catch (PGPException | RuntimeException e) {
            throw new DecryptionException(DecryptionException.Reason.WRONG_KEY, "wrong passphrase for secret key " + id + ": "
                    + EncryptionSettings.DECRYPTION_PASSPHRASE + " does not unlock it", e);
        }
    }

    private static PGPEncryptedDataList encryptedDataList(InputStream stored) throws IOException {
        try {
            BcPGPObjectFactory factory = new BcPGPObjectFactory(PGPUtil.getDecoderStream(stored));
            Object object = factory.nextObject();
            while (object instanceof PGPMarker) {
                object = factory.nextObject();
            }
            if (object instanceof PGPEncryptedDataList list) {
                return list;
            }
        } catch (IOException | RuntimeException e) {
            throw new DecryptionException(DecryptionException.Reason.UNSUPPORTED, "it is not an OpenPGP encrypted file (" + describe(e) + ")", e);
        }
        throw new DecryptionException(DecryptionException.Reason.UNSUPPORTED, "it is not an OpenPGP encrypted file");
    }

    private static InputStream open(PGPEncryptedData data, InputStream clear) throws IOException {
        try {
            BcPGPObjectFactory factory = new BcPGPObjectFactory(clear);
            Object object = factory.nextObject();
            while (true) {
                if (object instanceof PGPLiteralData literal) {
                    return new CheckedStream(literal.getInputStream(), data);
                } else if (object instanceof PGPCompressedData compressed) {
                    factory = new BcPGPObjectFactory(compressed.getDataStream());
                    object = factory.nextObject();
                } else if (object instanceof PGPOnePassSignatureList || object instanceof PGPSignatureList || object instanceof PGPMarker) {
                    object = factory.nextObject();
                } else {
                    throw new DecryptionException(DecryptionException.Reason.DAMAGED, "it decrypts to no data packet ("
                            + (object == null ? "nothing" : object.getClass().getSimpleName()) + "): altered or truncated");
                }
            }
        } catch (PGPException | RuntimeException e) {
            throw new DecryptionException(DecryptionException.Reason.DAMAGED, "it is damaged (" + describe(e) + ")", e);
        } catch (EOFException e) {
            throw truncated(e);
        } catch (DecryptionException e) {
            throw e;
        } catch (IOException e) {
            throw new DecryptionException(DecryptionException.Reason.DAMAGED, "it is damaged (" + describe(e) + ")", e);
        }
    }

    private static DecryptionException truncated(IOException cause) {
        return new DecryptionException(DecryptionException.Reason.DAMAGED, "it ends early: the file is truncated", cause);
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The decrypted data; at its end, the integrity check (MDC) of the whole message must pass. */
    private static final class CheckedStream extends PassThroughInputStream {
        private final PGPEncryptedData data;
        private boolean checked;

        CheckedStream(InputStream literal, PGPEncryptedData data) {
            super(literal);
            this.data = data;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (EOFException e) {
                throw truncated(e);
            } catch (IOException | RuntimeException e) {
                throw new DecryptionException(DecryptionException.Reason.DAMAGED, "it cannot be decrypted: " + describe(e)
                        + " (altered or truncated)", e);
            }
            if (n < 0 && !checked) {
                checked = true;
                check();
            }
            return n;
        }

        private void check() throws IOException {
            if (data.isAEAD()) {
                return; // AEAD checks each chunk and the final tag while reading
            }
            boolean intact;
            try {
                intact = data.verify();
            } catch (EOFException e) {
                throw truncated(e);
            } catch (PGPException | IOException | RuntimeException e) {
                throw new DecryptionException(DecryptionException.Reason.DAMAGED, "its integrity check failed (" + describe(e)
                        + "): the file was altered or truncated", e);
            }
            if (!intact) {
                throw new DecryptionException(DecryptionException.Reason.DAMAGED,
                        "its integrity check failed: the file was altered or truncated");
            }
        }
    }
}
