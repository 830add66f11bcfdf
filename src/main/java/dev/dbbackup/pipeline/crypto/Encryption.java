package dev.dbbackup.pipeline.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/** The encrypt stage of the write pipeline: compressed bytes in, stored bytes out. */
public interface Encryption {

    /** The file-name suffix of encrypted backups, after the compression suffix. */
    String SUFFIX = ".gpg";

    /** No encryption: the compressed bytes are the stored bytes. */
    Encryption NONE = new Encryption() {
        @Override
        public OutputStream encrypt(OutputStream stored) {
            return stored;
        }

        @Override
        public Optional<EncryptionMode> mode() {
            return Optional.empty();
        }

        @Override
        public List<Recipient> recipients() {
            return List.of();
        }
    };

    /**
     * Wraps the stored-bytes stream; closing the returned stream finishes the encrypted message and closes
     * {@code stored}.
     */
    OutputStream encrypt(OutputStream stored) throws IOException;

    /** Empty when backups are not encrypted. */
    Optional<EncryptionMode> mode();

    /** The public keys a backup is encrypted to (empty in passphrase mode). */
    List<Recipient> recipients();

    /** The cipher, as recorded in manifests. */
    default String cipher() {
        return mode().isPresent() ? "AES256" : null;
    }

    default String suffix() {
        return mode().isPresent() ? SUFFIX : "";
    }

    static boolean isEncryptedName(String fileName) {
        return fileName.endsWith(SUFFIX);
    }

    /** {@code backup_….sql.gz.gpg} → {@code backup_….sql.gz}; other names unchanged. */
    static String withoutSuffix(String fileName) {
        return isEncryptedName(fileName) ? fileName.substring(0, fileName.length() - SUFFIX.length()) : fileName;
    }
}
