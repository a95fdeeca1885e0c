package dev.kms.core.policy;

/** The three kinds of policy document; each has its own rules for Principal, Action and Resource. */
public enum PolicyKind {
    /** Attached to a key: names principals; Resource optional ("*" means this key); kms actions only. */
    KEY,
    /** Attached to a user or role: names no principal; Resource required; kms and iam actions and sts:AssumeRole. */
    IDENTITY,
    /** A role's trust policy: names who may assume the role; sts:AssumeRole only; no Resource. */
    TRUST
}
