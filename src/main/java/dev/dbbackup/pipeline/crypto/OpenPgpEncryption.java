package dev.dbbackup.pipeline.crypto;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPBEKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;

/**
 * Writes an OpenPGP message as stock {@code gpg} 2.2 reads it: AES-256 in an integrity-protected packet
 * (SEIPD v1 with MDC) holding one binary literal packet, for a passphrase (like {@code gpg --symmetric
 * --cipher-algo AES256}) or for public keys (like {@code gpg --encrypt -r KEY}). Streams with fixed buffers.
 */
public final class OpenPgpEncryption implements Encryption {

    /** Encoded S2K count: 16,777,216 bytes hashed per passphrase try (gpg calibrates to about as many; the old default hashed 65,536). */
    private static final int S2K_COUNT = 0xE0;
    private static final int BUFFER = 1 << 16;

    private final EncryptionMode mode;
    private final Passphrase passphrase;
    private final List<Recipient> recipients;

    private OpenPgpEncryption(EncryptionMode mode, Passphrase passphrase, List<Recipient> recipients) {
        this.mode = mode;
        this.passphrase = passphrase;
        this.recipients = List.copyOf(recipients);
    }

    public static OpenPgpEncryption withPassphrase(Passphrase passphrase) {
        return new OpenPgpEncryption(EncryptionMode.PASSPHRASE, passphrase, List.of());
    }

    public static OpenPgpEncryption toRecipients(List<Recipient> recipients) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("at least one public key is needed");
        }
        return new OpenPgpEncryption(EncryptionMode.PUBLIC_KEYS, null, recipients);
    }

    /** The encryption the settings ask for (reading the public key files), or {@link Encryption#NONE}. */
    public static Encryption fromSettings(EncryptionSettings settings, Instant now) throws KeyFileException {
        if (settings.mode().isEmpty()) {
            return NONE;
        }
        if (settings.mode().get() == EncryptionMode.PASSPHRASE) {
            return withPassphrase(settings.passphrase().orElseThrow());
        }
        List<Path> files = new ArrayList<>();
        for (String file : settings.publicKeyFiles()) {
            files.add(Path.of(file));
        }
        return toRecipients(Recipient.load(files, now));
    }

    @Override
    public Optional<EncryptionMode> mode() {
        return Optional.of(mode);
    }

    @Override
    public List<Recipient> recipients() {
        return recipients;
    }

    @Override
    public OutputStream encrypt(OutputStream stored) throws IOException {
        SecureRandom random = new SecureRandom();
        // the JDK's AES and SHA run several times faster than Bouncy Castle's portable ones; key handling stays portable
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
                new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true).setSecureRandom(random));
        try {
            if (mode == EncryptionMode.PASSPHRASE) {
                generator.addMethod(new BcPBEKeyEncryptionMethodGenerator(passphrase.chars(),
                        Digests.provider().get(HashAlgorithmTags.SHA256), S2K_COUNT).setSecureRandom(random));
            } else {
                for (Recipient recipient : recipients) {
                    generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(recipient.key()).setSecureRandom(random));
                }
            }
            OutputStream encrypted = generator.open(stored, new byte[BUFFER]);
            PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
            OutputStream literalOut = literal.open(encrypted, PGPLiteralDataGenerator.BINARY, "", new Date(), new byte[BUFFER]);
            return new FilterOutputStream(literalOut) {
                private boolean closed;

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    literal.close();
                    generator.close();
                    stored.close();
                }
            };
        } catch (PGPException | RuntimeException e) {
            throw new IOException("cannot start the OpenPGP encryption: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return mode == EncryptionMode.PASSPHRASE ? "openpgp:passphrase:AES256" : "openpgp:pubkey:AES256 " + recipients;
    }
}
