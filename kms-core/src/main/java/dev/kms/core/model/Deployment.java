package dev.kms.core.model;

import java.util.regex.Pattern;

/** Where this service runs: the partition and region of its ARNs and the account it serves. */
public record Deployment(String partition, String region, String accountId) {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    public Deployment {
        if (partition == null || !NAME.matcher(partition).matches()) {
            throw new IllegalArgumentException("partition must be lowercase letters, digits and dashes");
        }
        if (region == null || !NAME.matcher(region).matches()) {
            throw new IllegalArgumentException("region must be lowercase letters, digits and dashes");
        }
        if (accountId == null || !ACCOUNT.matcher(accountId).matches()) {
            throw new IllegalArgumentException("account id must be 12 digits");
        }
    }

    public String keyArn(String keyId) {
        return arnPrefix(accountId) + "key/" + keyId;
    }

    public String keyArn(KmsKey key) {
        return arnPrefix(key.accountId()) + "key/" + key.keyId();
    }

    public String aliasArn(Alias alias) {
        return arnPrefix(alias.accountId()) + alias.aliasName();
    }

    /** {@code arn:PARTITION:kms:REGION:ACCOUNT:}, the part every KMS ARN of this deployment starts with. */
    public String arnPrefix(String account) {
        return "arn:" + partition + ":kms:" + region + ":" + account + ":";
    }
}
