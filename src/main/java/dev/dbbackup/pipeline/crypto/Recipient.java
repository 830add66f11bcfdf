package dev.dbbackup.pipeline.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

/**
 * One public key a backup is encrypted to: the encryption (sub)key chosen from a key file, and how to name it.
 *
 * @param keyId       the 16-hex-digit id of the encryption (sub)key, as {@code gpg --list-packets} shows it
 * @param fingerprint the fingerprint of the primary key, as {@code gpg --list-keys} shows it
 * @param userId      the primary user id, or null
 */
public record Recipient(PGPPublicKey key, String keyId, String fingerprint, String userId) {

    @Override
    public String toString() {
        return keyId + (userId == null ? "" : " (" + userId + ")");
    }

    /** Every key in the given public key files (armored or binary), one recipient per key. */
    public static List<Recipient> load(List<Path> files, Instant now) throws KeyFileException {
        List<Recipient> recipients = new ArrayList<>();
        for (Path file : files) {
            recipients.addAll(load(file, now));
        }
        return recipients;
    }

    /** The keys in one public key file. */
    public static List<Recipient> load(Path file, Instant now) throws KeyFileException {
        if (!Files.isRegularFile(file)) {
            throw new KeyFileException(EncryptionSettings.PUBLIC_KEYS + " names " + file + ", which is not a readable file");
        }
        java.util.Optional<String> untrusted = dev.dbbackup.storage.local.PrivateFiles.untrustedBecause(file);
        if (untrusted.isPresent()) {
            // Someone else's public key file would have backups encrypted to their key.
            throw new KeyFileException(EncryptionSettings.PUBLIC_KEYS + ": " + untrusted.get() + "; give it to this user or root (chown)"
                    + " and 'chmod o-w' it");
        }
        PGPPublicKeyRingCollection rings;
        try (InputStream in = KeyBlocks.decode(Files.readAllBytes(file))) {
            rings = new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
        } catch (IOException | PGPException | RuntimeException e) {
            throw new KeyFileException(EncryptionSettings.PUBLIC_KEYS + ": " + file + " is not an OpenPGP public key file ("
                    + e.getClass().getSimpleName() + "); export the key with 'gpg --export --armor KEYID > " + file.getFileName() + "'", e);
        }
        List<Recipient> recipients = new ArrayList<>();
        for (PGPPublicKeyRing ring : rings) {
            recipients.add(fromRing(ring, file, now));
        }
        if (recipients.isEmpty()) {
            throw new KeyFileException(EncryptionSettings.PUBLIC_KEYS + ": " + file + " holds no public key");
        }
        return recipients;
    }

    static Recipient fromRing(PGPPublicKeyRing ring, Path file, Instant now) throws KeyFileException {
        PGPPublicKey primary = ring.getPublicKey();
        String fingerprint = hex(primary.getFingerprint());
        String userId = firstUserId(primary);
        String name = fingerprint + (userId == null ? "" : " (" + userId + ")");
        if (primary.hasRevocation()) {
            throw new KeyFileException("public key " + name + " in " + file + " is revoked; remove it from " + EncryptionSettings.PUBLIC_KEYS);
        }
        if (expired(primary, now)) {
            throw new KeyFileException("public key " + name + " in " + file + " has expired; extend it (gpg --quick-set-expire) and export it again,"
                    + " or remove it from " + EncryptionSettings.PUBLIC_KEYS);
        }
        PGPPublicKey chosen = null;
        for (PGPPublicKey key : ring) {
            if (canEncrypt(key) && !key.hasRevocation() && !expired(key, now)
                    && (chosen == null || key.getCreationTime().after(chosen.getCreationTime()))) {
                chosen = key;
            }
        }
        if (chosen == null) {
            throw new KeyFileException("public key " + name + " in " + file + " has no valid encryption subkey;"
                    + " add one (gpg --quick-add-key FINGERPRINT default encr) and export the key again");
        }
        return new Recipient(chosen, keyId(chosen.getKeyID()), fingerprint, userId);
    }

    private static boolean canEncrypt(PGPPublicKey key) {
        if (!key.isEncryptionKey()) {
            return false;
        }
        int flags = keyFlags(key);
        // keys without key-flag subpackets (old RSA keys) may encrypt by algorithm alone
        return flags == 0 || (flags & (KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE)) != 0;
    }

    /** The key flags of the newest self-signature that states them (binding signature for a subkey); 0 when none does. */
    private static int keyFlags(PGPPublicKey key) {
        int flags = 0;
        java.util.Date newest = null;
        Iterator<PGPSignature> signatures = key.getSignatures();
        while (signatures.hasNext()) {
            PGPSignature signature = signatures.next();
            boolean self = key.isMasterKey()
                    ? signature.getKeyID() == key.getKeyID() && (signature.isCertification() || signature.getSignatureType() == PGPSignature.DIRECT_KEY)
                    : signature.getSignatureType() == PGPSignature.SUBKEY_BINDING;
            PGPSignatureSubpacketVector hashed = signature.getHashedSubPackets();
            if (self && hashed != null && hashed.getKeyFlags() != 0
                    && (newest == null || signature.getCreationTime().after(newest))) {
                flags = hashed.getKeyFlags();
                newest = signature.getCreationTime();
            }
        }
        return flags;
    }

    private static boolean expired(PGPPublicKey key, Instant now) {
        long valid = key.getValidSeconds();
        return valid > 0 && key.getCreationTime().toInstant().plusSeconds(valid).isBefore(now);
    }

    private static String firstUserId(PGPPublicKey primary) {
        Iterator<String> ids = primary.getUserIDs();
        return ids.hasNext() ? ids.next() : null;
    }

    static String keyId(long id) {
        return String.format(Locale.ROOT, "%016X", id);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }
}
