package dev.kms.core.model;

import java.time.Instant;

/**
 * One version of a key's material, backed by one token object. {@code rotationType} is null for the
 * material the key was created with.
 */
public record KeyMaterial(MaterialId id, Instant createdAt, RotationType rotationType) {
    public boolean isRotation() {
        return rotationType != null;
    }
}
