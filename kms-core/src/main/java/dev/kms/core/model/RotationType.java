package dev.kms.core.model;

/** Why a key gained a new material. */
public enum RotationType {
    AUTOMATIC, ON_DEMAND
}
