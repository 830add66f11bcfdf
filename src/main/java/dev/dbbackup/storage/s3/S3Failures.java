package dev.dbbackup.storage.s3;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Turns SDK failures into one-line messages that say what went wrong and which setting to look at, without secrets. */
final class S3Failures {

    private S3Failures() {
    }

    /** {@code action} names what was attempted, e.g. "upload of s3://b/p/daily/x.sql.gz". */
    static IOException io(String action, SdkException e, S3StoreConfig config) {
        return new IOException(action + " failed: " + describe(e, config), e);
    }

    static String describe(SdkException e, S3StoreConfig config) {
        String text;
        if (e instanceof S3Exception s3) {
            text = describeServerError(s3, config);
        } else if (e instanceof SdkClientException) {
            text = describeClientError(e, config);
        } else {
            text = String.valueOf(e.getMessage());
        }
        return redact(text, config);
    }

    static boolean isStatus(SdkException e, int status) {
        return e instanceof S3Exception s3 && s3.statusCode() == status;
    }

    static boolean isCode(SdkException e, String code) {
        return e instanceof S3Exception s3 && s3.awsErrorDetails() != null && code.equals(s3.awsErrorDetails().errorCode());
    }

    private static String describeServerError(S3Exception e, S3StoreConfig config) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        int status = e.statusCode();
        String credentials = config.keys().isPresent() ? "BACKUP_OFFSITE_ACCESS_KEY_ID / BACKUP_OFFSITE_SECRET_ACCESS_KEY"
                : "the AWS credentials (no BACKUP_OFFSITE_ACCESS_KEY_ID is set, so the standard AWS chain was used)";
        if ("InvalidAccessKeyId".equals(code)) {
            return "the server does not know the access key (InvalidAccessKeyId); check " + credentials;
        }
        if ("SignatureDoesNotMatch".equals(code)) {
            return "the secret key does not match the access key (SignatureDoesNotMatch); check " + credentials;
        }
        if ("NoSuchBucket".equals(code)) {
            return "bucket '" + config.location().bucket() + "' does not exist (NoSuchBucket); create it or fix BACKUP_OFFSITE_URL";
        }
        if (status == 403) {
            return "access denied (" + (code == null ? "HTTP 403" : code) + "); check " + credentials
                    + " and that they may read, write, list and delete under " + config.location();
        }
        if (status == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)) {
            return "the bucket lives in another region (" + (code == null ? "HTTP " + status : code) + "); set BACKUP_OFFSITE_REGION";
        }
        return (code == null ? "HTTP " + status : code + " (HTTP " + status + ")") + (message == null ? "" : ": " + message);
    }

    private static String describeClientError(SdkException e, S3StoreConfig config) {
        String where = config.endpoint().map(Object::toString).orElse("the S3 endpoint of region " + config.region());
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return "cannot reach " + where + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                        + "); check BACKUP_OFFSITE_ENDPOINT and the network";
            }
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("Unable to load credentials")) {
            return "no credentials found: set BACKUP_OFFSITE_ACCESS_KEY_ID and BACKUP_OFFSITE_SECRET_ACCESS_KEY"
                    + " (or their _FILE variants), or provide AWS credentials through the environment, a profile or a role";
        }
        return message;
    }

    /** Removes the configured keys from any text that might echo them back. */
    static String redact(String text, S3StoreConfig config) {
        if (text == null || config.keys().isEmpty()) {
            return text;
        }
        String result = text;
        for (String secret : new String[] {config.keys().get().secretAccessKey(), config.keys().get().accessKeyId()}) {
            if (secret != null && secret.length() >= 4) {
                result = result.replace(secret, "***");
            }
        }
        return result;
    }
}
