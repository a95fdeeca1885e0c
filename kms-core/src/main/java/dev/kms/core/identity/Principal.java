package dev.kms.core.identity;

import dev.kms.core.policy.PrincipalType;

import java.util.Objects;

/**
 * An authenticated caller: the account root, an IAM-style user, a session of an assumed role, or an
 * integrated service. {@code accessKeyId} is the credential it used, null for the local operator.
 */
public record Principal(PrincipalType type, String arn, String accountId, String principalId, String name,
                        String accessKeyId) {
    public Principal {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(arn, "arn");
        if (type != PrincipalType.SERVICE) {
            Objects.requireNonNull(accountId, "accountId");
        }
    }

    /** The root of an account, as the local operator with access to KMS_HOME acts. */
    public static Principal root(String partition, String accountId) {
        return new Principal(PrincipalType.ROOT, "arn:" + partition + ":iam::" + accountId + ":root", accountId,
                accountId, "root", null);
    }

    /** CloudTrail's userIdentity.type for this principal. */
    public String cloudTrailType() {
        return switch (type) {
            case ROOT -> "Root";
            case USER -> "IAMUser";
            case ASSUMED_ROLE -> "AssumedRole";
            case SERVICE -> "AWSService";
        };
    }
}
