package dev.kms.core.policy;

/** What a statement does to a request it applies to; the names are the wire values. */
public enum Effect {
    Allow,
    Deny
}
