package dev.kms.core.service;

import dev.kms.core.model.Alias;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.MetadataStore;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the keys and aliases the hot path resolves in memory, so Encrypt and Decrypt cost one map
 * lookup instead of a database round trip. Writes through this store update the cache at once; writes
 * by other processes sharing the database become visible within {@code timeToLive}.
 */
public final class CachingMetadataStore implements MetadataStore {
    private final MetadataStore delegate;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Cached<KmsKey>> keys = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Cached<Alias>> aliases = new ConcurrentHashMap<>();

    public CachingMetadataStore(MetadataStore delegate, Duration timeToLive) {
        this.delegate = delegate;
        this.ttlNanos = timeToLive.toNanos();
    }

    /** A cached entry; a null key value is the tombstone of a deleted key. */
    private record Cached<T>(T value, long loadedAt) {
    }

    @Override
    public Optional<KmsKey> findKey(String keyId) {
        Cached<KmsKey> cached = keys.get(keyId);
        if (fresh(cached)) {
            return Optional.ofNullable(cached.value());
        }
        Optional<KmsKey> loaded = delegate.findKey(keyId);
        loaded.ifPresentOrElse(this::remember, () -> keys.remove(keyId));
        return loaded;
    }

    /**
     * Keeps the newest version when a slow reader and a writer race, and lets a fresh tombstone of a
     * deleted key win over a copy read before the deletion.
     */
    private void remember(KmsKey key) {
        Cached<KmsKey> loaded = new Cached<>(key, System.nanoTime());
        keys.merge(key.keyId(), loaded, (old, neu) -> {
            if (old.value() == null) {
                return fresh(old) ? old : neu;
            }
            return neu.value().version() >= old.value().version() ? neu : old;
        });
    }

    @Override
    public Optional<Alias> findAlias(String accountId, String aliasName) {
        String cacheKey = accountId + "/" + aliasName;
        Cached<Alias> cached = aliases.get(cacheKey);
        if (fresh(cached)) {
            return Optional.of(cached.value());
        }
        Optional<Alias> loaded = delegate.findAlias(accountId, aliasName);
        loaded.ifPresentOrElse(a -> aliases.put(cacheKey, new Cached<>(a, System.nanoTime())), () -> aliases.remove(cacheKey));
        return loaded;
    }

    private boolean fresh(Cached<?> cached) {
        return cached != null && System.nanoTime() - cached.loadedAt() < ttlNanos;
    }

    @Override
    public void insertKey(KmsKey key) {
        delegate.insertKey(key);
    }

    @Override
    public KmsKey updateKey(KmsKey key) {
        KmsKey stored = delegate.updateKey(key);
        remember(stored);
        return stored;
    }

    @Override
    public void deleteKey(String keyId) {
        delegate.deleteKey(keyId);
        keys.put(keyId, new Cached<>(null, System.nanoTime()));
        aliases.values().removeIf(a -> a.value().targetKeyId().equals(keyId));
    }

    @Override
    public void insertAlias(Alias alias) {
        delegate.insertAlias(alias);
    }

    @Override
    public void updateAlias(Alias alias) {
        delegate.updateAlias(alias);
        aliases.remove(alias.accountId() + "/" + alias.aliasName());
    }

    @Override
    public void deleteAlias(String accountId, String aliasName) {
        delegate.deleteAlias(accountId, aliasName);
        aliases.remove(accountId + "/" + aliasName);
    }

    @Override
    public List<KmsKey> listKeys(String accountId, String afterKeyId, int limit) {
        return delegate.listKeys(accountId, afterKeyId, limit);
    }

    @Override
    public List<KmsKey> findKeysDueAt(Instant now) {
        return delegate.findKeysDueAt(now);
    }

    @Override
    public Set<MaterialId> allMaterialIds() {
        return delegate.allMaterialIds();
    }

    @Override
    public List<Alias> listAliases(String accountId, String targetKeyId, String afterAliasName, int limit) {
        return delegate.listAliases(accountId, targetKeyId, afterAliasName, limit);
    }
}
