package dev.dbbackup.pipeline.crypto;

import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.operator.PGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.SessionKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcSessionKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JceSessionKeyDataDecryptorFactoryBuilder;

/**
 * Which implementation does the bulk work: the JDK's (SHA, AES/CFB; several times faster) where it has the
 * algorithm, Bouncy Castle's portable one otherwise (other ciphers, AEAD/OCB from newer OpenPGP tools).
 */
final class Digests {

    private Digests() {
    }

    static PGPDigestCalculatorProvider provider() {
        try {
            return new JcaPGPDigestCalculatorProviderBuilder().build();
        } catch (PGPException e) {
            throw new IllegalStateException("the JDK offers no message digests", e);
        }
    }

    static SessionKeyDataDecryptorFactory dataDecryptor(PGPSessionKey key, boolean aead) {
        int algorithm = key.getAlgorithm();
        boolean aes = algorithm == SymmetricKeyAlgorithmTags.AES_128 || algorithm == SymmetricKeyAlgorithmTags.AES_192
                || algorithm == SymmetricKeyAlgorithmTags.AES_256;
        if (aes && !aead) {
            return new JceSessionKeyDataDecryptorFactoryBuilder().build(key);
        }
        return new BcSessionKeyDataDecryptorFactory(key);
    }
}
