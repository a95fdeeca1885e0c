package dev.kms.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A logical key: its metadata and its materials, oldest first; the last material is the current one.
 * Immutable; changes produce a copy. {@code version} supports optimistic concurrency in the store.
 * {@code policy} is the key policy document; null for keys stored before key policies existed, which
 * have the default key policy.
 */
public record KmsKey(
        String keyId,
        String accountId,
        String description,
        Instant creationDate,
        KeyState state,
        KeySpec keySpec,
        KeyUsage keyUsage,
        Origin origin,
        KeyManager keyManager,
        Instant deletionDate,
        Integer pendingWindowInDays,
        RotationSchedule rotation,
        List<KeyMaterial> materials,
        Map<String, String> tags,
        String policy,
        long version) {

    public KmsKey {
        materials = List.copyOf(materials);
        tags = Map.copyOf(tags);
        if (materials.isEmpty()) {
            throw new IllegalArgumentException("a key has at least one material");
        }
    }

    public KeyMaterial currentMaterial() {
        return materials.get(materials.size() - 1);
    }

    public KeyMaterial material(MaterialId id) {
        return materials.stream().filter(m -> m.id().equals(id)).findFirst().orElse(null);
    }

    public long onDemandRotationCount() {
        return materials.stream().filter(m -> m.rotationType() == RotationType.ON_DEMAND).count();
    }

    /** Tags in key order, as ListResourceTags returns them. */
    public java.util.NavigableMap<String, String> sortedTags() {
        return new TreeMap<>(tags);
    }

    public KmsKey withDescription(String newDescription) {
        return new KmsKey(keyId, accountId, newDescription, creationDate, state, keySpec, keyUsage, origin,
                keyManager, deletionDate, pendingWindowInDays, rotation, materials, tags, policy, version);
    }

    public KmsKey withState(KeyState newState, Instant newDeletionDate, Integer newPendingWindow) {
        return new KmsKey(keyId, accountId, description, creationDate, newState, keySpec, keyUsage, origin,
                keyManager, newDeletionDate, newPendingWindow, rotation, materials, tags, policy, version);
    }

    public KmsKey withRotation(RotationSchedule newRotation) {
        return new KmsKey(keyId, accountId, description, creationDate, state, keySpec, keyUsage, origin,
                keyManager, deletionDate, pendingWindowInDays, newRotation, materials, tags, policy, version);
    }

    public KmsKey withMaterials(List<KeyMaterial> newMaterials) {
        return new KmsKey(keyId, accountId, description, creationDate, state, keySpec, keyUsage, origin,
                keyManager, deletionDate, pendingWindowInDays, rotation, newMaterials, tags, policy, version);
    }

    public KmsKey withTags(Map<String, String> newTags) {
        return new KmsKey(keyId, accountId, description, creationDate, state, keySpec, keyUsage, origin,
                keyManager, deletionDate, pendingWindowInDays, rotation, materials, newTags, policy, version);
    }

    public KmsKey withPolicy(String newPolicy) {
        return new KmsKey(keyId, accountId, description, creationDate, state, keySpec, keyUsage, origin,
                keyManager, deletionDate, pendingWindowInDays, rotation, materials, tags, newPolicy, version);
    }

    public KmsKey withVersion(long newVersion) {
        return new KmsKey(keyId, accountId, description, creationDate, state, keySpec, keyUsage, origin,
                keyManager, deletionDate, pendingWindowInDays, rotation, materials, tags, policy, newVersion);
    }
}
