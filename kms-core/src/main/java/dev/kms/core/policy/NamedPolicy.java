package dev.kms.core.policy;

import java.util.Objects;

/** A policy with the name explanations use for it, e.g. {@code key policy} or {@code user/alice: AllowEncrypt}. */
public record NamedPolicy(String name, Policy policy) {
    public NamedPolicy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(policy, "policy");
    }
}
