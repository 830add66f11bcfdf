package dev.dbbackup.pipeline.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/** OpenPGP test keys made with Bouncy Castle: an RSA signing primary key with an RSA encryption subkey. */
public record TestKeys(PGPPublicKeyRing publicRing, PGPSecretKeyRing secretRing) {

    /** A fresh key; {@code passphrase} null leaves the secret key unprotected; {@code expiresInSeconds} 0 never. */
    public static TestKeys generate(String userId, String passphrase, long expiresInSeconds, boolean withEncryptionSubkey) throws Exception {
        Date created = new Date(System.currentTimeMillis() - 60_000);
        PGPKeyPair primary = new BcPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL, rsa(), created);
        PGPKeyPair subkey = new BcPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL, rsa(), created);
        PGPSignatureSubpacketGenerator primaryFlags = new PGPSignatureSubpacketGenerator();
        primaryFlags.setKeyFlags(false, KeyFlags.SIGN_DATA | KeyFlags.CERTIFY_OTHER);
        if (expiresInSeconds > 0) {
            primaryFlags.setKeyExpirationTime(false, expiresInSeconds + 60);
        }
        PGPSignatureSubpacketGenerator subkeyFlags = new PGPSignatureSubpacketGenerator();
        subkeyFlags.setKeyFlags(false, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);
        PGPDigestCalculator sha1 = new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1);
        PGPKeyRingGenerator generator = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary, userId, sha1,
                primaryFlags.generate(), null,
                new BcPGPContentSignerBuilder(primary.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
                passphrase == null ? null : new BcPBESecretKeyEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256, sha1)
                        .build(passphrase.toCharArray()));
        if (withEncryptionSubkey) {
            generator.addSubKey(subkey, subkeyFlags.generate(), null);
        }
        return new TestKeys(generator.generatePublicKeyRing(), generator.generateSecretKeyRing());
    }

    public static TestKeys generate(String userId, String passphrase) throws Exception {
        return generate(userId, passphrase, 0, true);
    }

    private static AsymmetricCipherKeyPair rsa() {
        RSAKeyPairGenerator generator = new RSAKeyPairGenerator();
        generator.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), new SecureRandom(), 2048, 80));
        return generator.generateKeyPair();
    }

    public Path writePublic(Path file, boolean armored) throws IOException {
        Files.write(file, encode(publicRing.getEncoded(), armored));
        return file;
    }

    public Path writeSecret(Path file, boolean armored) throws IOException {
        Files.write(file, encode(secretRing.getEncoded(), armored));
        return file;
    }

    public String armoredSecret() throws IOException {
        return new String(encode(secretRing.getEncoded(), true), java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The id of the encryption subkey, as recorded in manifests. */
    public String encryptionKeyId() {
        long id = 0;
        for (var key : publicRing) {
            if (!key.isMasterKey()) {
                id = key.getKeyID();
            }
        }
        return Recipient.keyId(id);
    }

    private static byte[] encode(byte[] binary, boolean armored) throws IOException {
        if (!armored) {
            return binary;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream armor = new ArmoredOutputStream(bytes)) {
            armor.write(binary);
        }
        return bytes.toByteArray();
    }
}
