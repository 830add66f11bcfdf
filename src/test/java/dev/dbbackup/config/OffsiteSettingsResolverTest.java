package dev.dbbackup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dbbackup.storage.s3.S3StoreConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsiteSettingsResolverTest {

    @TempDir
    Path dir;

    private static Settings resolve(Map<String, String> env) {
        return SettingsResolver.resolve(new SettingSources(Map.of(), env, Map.of()));
    }

    @Test
    void withoutAnOffsiteUrlNothingIsCopiedOffsite() {
        OffsiteSettings offsite = resolve(Map.of()).offsite();
        assertFalse(offsite.configured());
        assertEquals(OffsiteSettings.Mode.OFF, offsite.mode());
        ConfigException e = assertThrows(ConfigException.class, offsite::store);
        assertTrue(e.hint().contains("BACKUP_OFFSITE_URL"), e.hint());
    }

    @Test
    void anOffsiteUrlMeansCopyWithTheLocalCountsUnlessTheOffsiteCountsAreSet() {
        Settings settings = resolve(Map.of("BACKUP_OFFSITE_URL", "s3://bucket/app", "BACKUP_RETENTION_DAYS", "3",
                "BACKUP_OFFSITE_RETENTION_MONTHS", "24"));
        OffsiteSettings offsite = settings.offsite();
        assertEquals(OffsiteSettings.Mode.COPY, offsite.mode());
        assertEquals(3, offsite.retention().days());
        assertEquals(4, offsite.retention().weeks());
        assertEquals(24, offsite.retention().months());
        assertEquals(12, settings.retention().months(), "the local counts stay");
        S3StoreConfig store = offsite.store();
        assertEquals("bucket", store.location().bucket());
        assertEquals("app/", store.location().prefix());
        assertEquals("us-east-1", store.region());
        assertFalse(store.pathStyle(), "AWS itself: virtual-hosted style");
        assertTrue(store.keys().isEmpty(), "the standard AWS credential chain");
        assertEquals(S3StoreConfig.Verify.FULL, store.verify());
    }

    @Test
    void aCustomEndpointDefaultsToPathStyleAndKeysComeFromSecretFiles() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "s3cr3t/with+chars\n");
        S3StoreConfig store = resolve(Map.of("BACKUP_OFFSITE_URL", "s3://backups", "BACKUP_OFFSITE_ENDPOINT", "http://minio:9000",
                "BACKUP_OFFSITE_REGION", "eu-central-1", "BACKUP_OFFSITE_ACCESS_KEY_ID", "AKID",
                "BACKUP_OFFSITE_SECRET_ACCESS_KEY_FILE", secret.toString(), "BACKUP_OFFSITE_STORAGE_CLASS", "standard_ia",
                "BACKUP_OFFSITE_SSE", "aws:kms", "BACKUP_OFFSITE_SSE_KMS_KEY_ID", "alias/backups", "BACKUP_OFFSITE_PART_SIZE", "16MiB"))
                .offsite().store();
        assertEquals(Optional.of(URI.create("http://minio:9000")), store.endpoint());
        assertTrue(store.pathStyle());
        assertEquals("eu-central-1", store.region());
        assertEquals("AKID", store.keys().get().accessKeyId());
        assertEquals("s3cr3t/with+chars", store.keys().get().secretAccessKey());
        assertEquals(Optional.of("STANDARD_IA"), store.storageClass());
        assertEquals(Optional.of("aws:kms"), store.serverSideEncryption());
        assertEquals(Optional.of("alias/backups"), store.kmsKeyId());
        assertEquals(16 * 1024 * 1024, store.partSize());
        assertFalse(store.toString().contains("s3cr3t"), "the secret never shows in the text form");
        assertFalse(store.keys().get().toString().contains("AKID"));
    }

    @Test
    void pathStyleCanBeSwitchedOffForVirtualHostedEndpoints() {
        assertFalse(resolve(Map.of("BACKUP_OFFSITE_URL", "s3://b2", "BACKUP_OFFSITE_ENDPOINT", "https://s3.example.test",
                "BACKUP_OFFSITE_PATH_STYLE", "false")).offsite().store().pathStyle());
    }

    @Test
    void badValuesNameTheSettingAndNeverTheSecret() {
        assertMessage("BACKUP_OFFSITE_URL", Map.of("BACKUP_OFFSITE_URL", "https://bucket/app"));
        ConfigException inUrl = assertThrows(ConfigException.class, () -> resolve(Map.of("BACKUP_OFFSITE_URL", "s3://AK:topsecret@bucket/app")));
        assertFalse(inUrl.getMessage().contains("topsecret"), inUrl.getMessage());
        assertMessage("BACKUP_OFFSITE_SECRET_ACCESS_KEY is missing", Map.of("BACKUP_OFFSITE_URL", "s3://bucket", "BACKUP_OFFSITE_ACCESS_KEY_ID", "AK"));
        assertMessage("BACKUP_OFFSITE_ENDPOINT", Map.of("BACKUP_OFFSITE_URL", "s3://bucket", "BACKUP_OFFSITE_ENDPOINT", "minio:9000"));
        assertMessage("BACKUP_OFFSITE_PART_SIZE", Map.of("BACKUP_OFFSITE_URL", "s3://bucket", "BACKUP_OFFSITE_PART_SIZE", "1MiB"));
        assertMessage("BACKUP_OFFSITE_SSE", Map.of("BACKUP_OFFSITE_URL", "s3://bucket", "BACKUP_OFFSITE_SSE", "rot13"));
        assertMessage("BACKUP_OFFSITE_VERIFY", Map.of("BACKUP_OFFSITE_URL", "s3://bucket", "BACKUP_OFFSITE_VERIFY", "maybe"));
        assertMessage("BACKUP_OFFSITE_RETENTION_DAYS", Map.of("BACKUP_OFFSITE_URL", "s3://bucket", "BACKUP_OFFSITE_RETENTION_DAYS", "-1"));
        assertMessage("needs an offsite store", Map.of("BACKUP_OFFSITE_MODE", "only"));
    }

    private static void assertMessage(String expected, Map<String, String> env) {
        ConfigException e = assertThrows(ConfigException.class, () -> resolve(env));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
