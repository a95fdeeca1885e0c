package dev.kms.core.service;

import dev.kms.core.model.KeyMaterial;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.MaterialId;
import dev.kms.core.model.RotationType;
import dev.kms.core.port.Hsm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/** Creates and destroys the token objects behind key materials, with the labels operators see. */
final class KeyMaterials {
    /** Every token object this service creates has a label with this prefix; reconcile relies on it. */
    static final String LABEL_PREFIX = "kms/";
    private static final Logger LOG = LoggerFactory.getLogger(KeyMaterials.class);

    private final Hsm hsm;

    KeyMaterials(Hsm hsm) {
        this.hsm = hsm;
    }

    KeyMaterial generate(String keyId, KeySpec spec, int ordinal, RotationType rotationType, Instant now) {
        MaterialId id = MaterialId.random();
        hsm.generateKey(id, spec, LABEL_PREFIX + keyId + "/" + ordinal);
        return new KeyMaterial(id, now, rotationType);
    }

    void destroy(MaterialId id) {
        hsm.destroyKey(id);
    }

    /** Used on failure paths, where the original error matters more than a cleanup error. */
    void destroyQuietly(MaterialId id) {
        try {
            hsm.destroyKey(id);
        } catch (RuntimeException e) {
            LOG.warn("Could not destroy token object {}; `kms hsm reconcile` will report it", id, e);
        }
    }
}
