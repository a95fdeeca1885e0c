package dev.kms.core.model;

/** The cryptographic operations a key is for. */
public enum KeyUsage {
    ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC, KEY_AGREEMENT
}
