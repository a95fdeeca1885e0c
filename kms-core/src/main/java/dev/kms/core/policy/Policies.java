package dev.kms.core.policy;

import java.util.regex.Pattern;

/** The policy documents the service writes itself, worded and formatted as AWS KMS returns them. */
public final class Policies {
    public static final String DEFAULT_KEY_POLICY_ID = "key-default-1";
    private static final Pattern PARTITION = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern SERVICE = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern VIA_SERVICE = Pattern.compile("[a-z0-9][a-z0-9.-]*[a-z0-9]");

    private Policies() {
    }

    /**
     * The policy of a key created without one (kms-reference.md, "Authorization"): it delegates every kms
     * action on the key to the account's identity policies, so both layers must allow.
     */
    public static String defaultKeyPolicy(String partition, String account) {
        check(partition, account);
        return """
                {
                  "Version" : "2012-10-17",
                  "Id" : "key-default-1",
                  "Statement" : [ {
                    "Sid" : "Enable IAM User Permissions",
                    "Effect" : "Allow",
                    "Principal" : {
                      "AWS" : "arn:%s:iam::%s:root"
                    },
                    "Action" : "kms:*",
                    "Resource" : "*"
                  } ]
                }""".formatted(partition, account);
    }

    /**
     * The fixed policy of a service-managed key ({@code alias/aws/SERVICE}): every principal of the account
     * may use it for cryptography, but only through the service (kms:ViaService); the account may read its
     * metadata directly.
     *
     * @param service    the service's short name, as in the alias, e.g. {@code s3}
     * @param viaService the value the service sets as kms:ViaService, e.g. {@code s3.us-east-1.amazonaws.com}
     */
    public static String serviceManagedKeyPolicy(String partition, String account, String service, String viaService) {
        check(partition, account);
        if (service == null || !SERVICE.matcher(service).matches()) {
            throw new IllegalArgumentException("service must be lowercase letters, digits and dashes");
        }
        if (viaService == null || !VIA_SERVICE.matcher(viaService).matches()) {
            throw new IllegalArgumentException("viaService must be a service endpoint name such as s3.us-east-1.amazonaws.com");
        }
        return """
                {
                  "Version" : "2012-10-17",
                  "Id" : "auto-%1$s",
                  "Statement" : [ {
                    "Sid" : "Allow access through %1$s for all principals in the account that are authorized to use %1$s",
                    "Effect" : "Allow",
                    "Principal" : {
                      "AWS" : "*"
                    },
                    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey" ],
                    "Resource" : "*",
                    "Condition" : {
                      "StringEquals" : {
                        "kms:CallerAccount" : "%3$s",
                        "kms:ViaService" : "%4$s"
                      }
                    }
                  }, {
                    "Sid" : "Allow direct access to key metadata to the account",
                    "Effect" : "Allow",
                    "Principal" : {
                      "AWS" : "arn:%2$s:iam::%3$s:root"
                    },
                    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],
                    "Resource" : "*"
                  } ]
                }""".formatted(service, partition, account, viaService);
    }

    private static void check(String partition, String account) {
        if (partition == null || !PARTITION.matcher(partition).matches()) {
            throw new IllegalArgumentException("partition must be lowercase letters, digits and dashes");
        }
        if (account == null || !ACCOUNT.matcher(account).matches()) {
            throw new IllegalArgumentException("account must be 12 digits");
        }
    }
}
