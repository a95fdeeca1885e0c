package dev.kms.core.port;

import dev.kms.core.model.KeySpec;
import dev.kms.core.model.MaterialId;

import java.util.Optional;

/**
 * Port: which token object backs each service-owned key. These keys are not {@code KmsKey}s, so no customer
 * operation can list, describe or use them. Implementations are safe for concurrent use.
 */
public interface ServiceKeyStore {

    Optional<MaterialId> find(String name);

    /** Records a service key; AlreadyExistsException if the name is taken, so concurrent creators agree on one. */
    void insert(String name, KeySpec spec, MaterialId id);
}
