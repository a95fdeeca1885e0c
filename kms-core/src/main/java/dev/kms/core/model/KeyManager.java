package dev.kms.core.model;

/** Who controls a key: the customer, or the service on a customer's behalf. */
public enum KeyManager {
    CUSTOMER, AWS
}
