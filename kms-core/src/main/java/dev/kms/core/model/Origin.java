package dev.kms.core.model;

/** Where a key's material came from; material generated in the token is AWS_KMS, as in AWS. */
public enum Origin {
    AWS_KMS
}
