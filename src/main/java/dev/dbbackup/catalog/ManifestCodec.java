package dev.dbbackup.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;

/** Reads and writes manifests as indented JSON. */
public final class ManifestCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ManifestCodec() {
    }

    public static byte[] write(BackupManifest manifest) {
        try {
            return MAPPER.writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write manifest", e);
        }
    }

    public static BackupManifest read(byte[] json) throws IOException {
        BackupManifest manifest = MAPPER.readValue(json, BackupManifest.class);
        if (manifest.formatVersion() < 1 || manifest.stored() == null || manifest.stored().sha256() == null) {
            throw new IOException("not a dbbackup manifest (format version or stored checksum missing)");
        }
        return manifest;
    }

    /** Any value as JSON, for --format json output. */
    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    public static String manifestKey(String backupKey) {
        return backupKey + ".json";
    }
}
