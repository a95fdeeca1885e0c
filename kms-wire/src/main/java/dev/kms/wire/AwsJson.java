package dev.kms.wire;

/** The AWS JSON 1.1 protocol of KMS: {@code POST /} with this Content-Type and {@code X-Amz-Target}. */
public final class AwsJson {
    public static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    /** {@code X-Amz-Target} is this prefix and the operation's wire name. */
    public static final String TARGET_PREFIX = "TrentService.";

    private AwsJson() {
    }
}
