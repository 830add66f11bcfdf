package dev.dbbackup.pipeline.crypto;

import java.io.IOException;
import java.io.InputStream;

/**
 * The decrypt stage of the read pipeline: stored bytes in, compressed bytes out. The returned stream throws
 * {@link DecryptionException} when the key does not fit, and at its end when the integrity check fails, so a
 * reader must read it to the end before trusting what it read.
 */
@FunctionalInterface
public interface Decryption {

    /** For files that are not encrypted. */
    Decryption NONE = stored -> stored;

    InputStream decrypt(InputStream stored) throws IOException;
}
