package dev.kms.core.port;

import dev.kms.core.model.Alias;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.MaterialId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable metadata of keys and aliases. Key material is never stored here, only the ids of the token
 * objects that hold it. Implementations are safe for concurrent use.
 */
public interface MetadataStore {

    /** Stores a new key with its materials and tags. */
    void insertKey(KmsKey key);

    Optional<KmsKey> findKey(String keyId);

    /** Keys of an account in key-id order, starting after {@code afterKeyId} (null: from the start). */
    List<KmsKey> listKeys(String accountId, String afterKeyId, int limit);

    /**
     * Replaces a key's state, description, rotation, tags and materials if the stored version still
     * equals {@code key.version()}; returns the stored key with its new version.
     *
     * @throws dev.kms.core.error.KmsException {@link dev.kms.core.error.ErrorCode#CONFLICT} when another writer
     *         changed the key first
     * @throws dev.kms.core.error.KmsException NotFoundException when the key is gone
     */
    KmsKey updateKey(KmsKey key);

    /** Removes a key, its materials, tags and the aliases that point at it. */
    void deleteKey(String keyId);

    /** Keys whose deletion date or automatic rotation date is at or before {@code now}. */
    List<KmsKey> findKeysDueAt(Instant now);

    /** The ids of all materials of all keys. */
    Set<MaterialId> allMaterialIds();

    /** @throws dev.kms.core.error.KmsException AlreadyExistsException if the account has the alias */
    void insertAlias(Alias alias);

    Optional<Alias> findAlias(String accountId, String aliasName);

    /** Points an existing alias at another key. */
    void updateAlias(Alias alias);

    void deleteAlias(String accountId, String aliasName);

    /** Aliases of an account in name order, optionally of one key, starting after {@code afterAliasName}. */
    List<Alias> listAliases(String accountId, String targetKeyId, String afterAliasName, int limit);
}
