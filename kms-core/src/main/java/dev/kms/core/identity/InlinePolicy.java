package dev.kms.core.identity;

import java.util.Objects;

/** An identity policy embedded in one user or role, under a name unique to it. */
public record InlinePolicy(String policyName, String document) {
    public InlinePolicy {
        IamNames.requireName("policyName", policyName, IamNames.MAX_POLICY_NAME);
        Objects.requireNonNull(document, "document");
    }
}
