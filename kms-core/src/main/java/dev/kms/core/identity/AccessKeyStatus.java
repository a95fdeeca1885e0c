package dev.kms.core.identity;

/** Whether an access key may authenticate; IAM's wire names. */
public enum AccessKeyStatus {
    Active,
    Inactive
}
