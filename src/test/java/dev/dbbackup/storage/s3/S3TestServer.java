package dev.dbbackup.storage.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3-compatible server (S3Proxy over a folder) on 127.0.0.1 at a free port, with AWS signature v4
 * authentication, for the offsite tests. Objects live as files under the given folder.
 */
public final class S3TestServer implements AutoCloseable {

    public static final String ACCESS_KEY = "dbbackup-test-key";
    public static final String SECRET_KEY = "dbbackup-test-secret-7f3a9c";
    public static final String REGION = "us-east-1";

    private final S3Proxy proxy;
    private final BlobStoreContext context;

    private S3TestServer(S3Proxy proxy, BlobStoreContext context) {
        this.proxy = proxy;
        this.context = context;
    }

    public static S3TestServer start(Path folder) throws Exception {
        Files.createDirectories(folder);
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", folder.toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
                .credentials("unused", "unused")
                .overrides(properties)
                .build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        for (int i = 0; i < 200 && !proxy.getState().equals("STARTED"); i++) {
            Thread.sleep(50);
        }
        return new S3TestServer(proxy, context);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public void createBucket(String bucket) {
        context.getBlobStore().createContainerInLocation(null, bucket);
    }

    /** A store configuration for {@code s3://bucket/prefix} on this server with the right keys and 5 MiB parts. */
    public S3StoreConfig config(String bucket, String prefix) {
        return new S3StoreConfig(new S3Location(bucket, prefix), Optional.of(endpoint()), REGION, true,
                Optional.of(new S3StoreConfig.StaticKeys(ACCESS_KEY, SECRET_KEY)), Optional.empty(), Optional.empty(),
                Optional.empty(), S3StoreConfig.MIN_PART_SIZE, S3StoreConfig.Verify.FULL);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
