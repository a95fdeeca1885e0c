package dev.kms.core.fake;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.Alias;
import dev.kms.core.model.KeyMaterial;
import dev.kms.core.model.KeyState;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.MaterialId;
import dev.kms.core.model.RotationSchedule;
import dev.kms.core.port.MetadataStore;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A thread-safe in-memory {@link MetadataStore} with the semantics of the SQL store: versions, append-only
 * materials, instants kept at millisecond precision, and the same errors.
 */
public final class InMemoryMetadataStore implements MetadataStore {
    private final TreeMap<String, KmsKey> keys = new TreeMap<>();
    /** Account id, then alias name; both in natural order so listings page like the SQL store. */
    private final TreeMap<String, TreeMap<String, Alias>> aliases = new TreeMap<>();

    @Override
    public synchronized void insertKey(KmsKey key) {
        if (keys.containsKey(key.keyId())) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS, "Key '" + key.keyId() + "' already exists");
        }
        keys.put(key.keyId(), millis(key));
    }

    @Override
    public synchronized Optional<KmsKey> findKey(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    @Override
    public synchronized List<KmsKey> listKeys(String accountId, String afterKeyId, int limit) {
        requirePositive(limit);
        Map<String, KmsKey> tail = afterKeyId == null ? keys : keys.tailMap(afterKeyId, false);
        return tail.values().stream().filter(k -> k.accountId().equals(accountId)).limit(limit).toList();
    }

    @Override
    public synchronized KmsKey updateKey(KmsKey key) {
        KmsKey stored = keys.get(key.keyId());
        if (stored == null) {
            throw KmsException.notFound("Key '" + key.keyId() + "'");
        }
        if (stored.version() != key.version()) {
            throw new KmsException(ErrorCode.CONFLICT, "Key " + key.keyId() + " changed since version " + key.version());
        }
        // Materials are append-only: stored ones stay, unknown ones are added after them.
        Set<MaterialId> known = stored.materials().stream().map(KeyMaterial::id).collect(Collectors.toSet());
        List<KeyMaterial> materials = new ArrayList<>(stored.materials());
        key.materials().stream().filter(m -> !known.contains(m.id())).forEach(materials::add);
        long newVersion = key.version() + 1;
        KmsKey updated = new KmsKey(stored.keyId(), stored.accountId(), key.description(), stored.creationDate(),
                key.state(), stored.keySpec(), stored.keyUsage(), stored.origin(), stored.keyManager(),
                key.deletionDate(), key.pendingWindowInDays(), key.rotation(), materials, key.tags(), key.policy(),
                newVersion);
        keys.put(key.keyId(), millis(updated));
        return key.withVersion(newVersion);
    }

    @Override
    public synchronized void deleteKey(String keyId) {
        keys.remove(keyId);
        aliases.values().forEach(byName -> byName.values().removeIf(a -> a.targetKeyId().equals(keyId)));
    }

    @Override
    public synchronized List<KmsKey> findKeysDueAt(Instant now) {
        return keys.values().stream()
                .filter(k -> isDeletionDue(k, now) || isRotationDue(k, now))
                .toList();
    }

    @Override
    public synchronized Set<MaterialId> allMaterialIds() {
        Set<MaterialId> ids = new HashSet<>();
        keys.values().forEach(k -> k.materials().forEach(m -> ids.add(m.id())));
        return ids;
    }

    @Override
    public synchronized void insertAlias(Alias alias) {
        requireKey(alias.targetKeyId());
        TreeMap<String, Alias> byName = aliases.computeIfAbsent(alias.accountId(), a -> new TreeMap<>());
        if (byName.containsKey(alias.aliasName())) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS,
                    "An alias with the name " + alias.aliasName() + " already exists");
        }
        byName.put(alias.aliasName(), millis(alias));
    }

    @Override
    public synchronized Optional<Alias> findAlias(String accountId, String aliasName) {
        return Optional.ofNullable(aliases.getOrDefault(accountId, new TreeMap<>()).get(aliasName));
    }

    @Override
    public synchronized void updateAlias(Alias alias) {
        Alias stored = findAlias(alias.accountId(), alias.aliasName())
                .orElseThrow(() -> KmsException.notFound("Alias " + alias.aliasName()));
        requireKey(alias.targetKeyId());
        aliases.get(alias.accountId()).put(alias.aliasName(), millis(new Alias(stored.accountId(),
                stored.aliasName(), alias.targetKeyId(), stored.creationDate(), alias.lastUpdatedDate())));
    }

    @Override
    public synchronized void deleteAlias(String accountId, String aliasName) {
        TreeMap<String, Alias> byName = aliases.get(accountId);
        if (byName != null) {
            byName.remove(aliasName);
        }
    }

    @Override
    public synchronized List<Alias> listAliases(String accountId, String targetKeyId, String afterAliasName,
                                                int limit) {
        requirePositive(limit);
        TreeMap<String, Alias> byName = aliases.getOrDefault(accountId, new TreeMap<>());
        Map<String, Alias> tail = afterAliasName == null ? byName : byName.tailMap(afterAliasName, false);
        return tail.values().stream()
                .filter(a -> targetKeyId == null || a.targetKeyId().equals(targetKeyId))
                .limit(limit)
                .toList();
    }

    private void requireKey(String keyId) {
        if (!keys.containsKey(keyId)) {
            throw KmsException.notFound("Key '" + keyId + "'");
        }
    }

    private static void requirePositive(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
    }

    private static boolean isDeletionDue(KmsKey key, Instant now) {
        return key.state() == KeyState.PendingDeletion
                && key.deletionDate() != null && !key.deletionDate().isAfter(now);
    }

    private static boolean isRotationDue(KmsKey key, Instant now) {
        RotationSchedule rotation = key.rotation();
        return rotation.enabled() && rotation.nextRotation() != null && !rotation.nextRotation().isAfter(now);
    }

    // The SQL store keeps instants as epoch milliseconds; the fake truncates alike so tests see the same values.
    private static KmsKey millis(KmsKey k) {
        RotationSchedule r = k.rotation();
        List<KeyMaterial> materials = k.materials().stream()
                .map(m -> new KeyMaterial(m.id(), millis(m.createdAt()), m.rotationType()))
                .toList();
        return new KmsKey(k.keyId(), k.accountId(), k.description(), millis(k.creationDate()), k.state(),
                k.keySpec(), k.keyUsage(), k.origin(), k.keyManager(), millis(k.deletionDate()),
                k.pendingWindowInDays(), new RotationSchedule(r.enabled(), r.periodInDays(), millis(r.nextRotation())),
                materials, k.tags(), k.policy(), k.version());
    }

    private static Alias millis(Alias a) {
        return new Alias(a.accountId(), a.aliasName(), a.targetKeyId(), millis(a.creationDate()),
                millis(a.lastUpdatedDate()));
    }

    private static Instant millis(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
