package dev.kms.core.service;

import dev.kms.core.identity.ServiceKeys;
import dev.kms.core.model.KeyMaterial;
import dev.kms.core.model.KeyState;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.Hsm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The work nobody asks for: due automatic rotations, due deletions, and token/metadata reconciliation. */
public final class MaintenanceService {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceService.class);

    private final KeyRepository keys;
    private final RotationService rotations;
    private final KeyMaterials materials;
    private final Hsm hsm;
    private final Clock clock;

    MaintenanceService(KeyRepository keys, RotationService rotations, KeyMaterials materials, Hsm hsm, Clock clock) {
        this.keys = keys;
        this.rotations = rotations;
        this.materials = materials;
        this.hsm = hsm;
        this.clock = clock;
    }

    /** The keys rotated and deleted by one maintenance run. */
    public record MaintenanceReport(List<MaintainedKey> rotated, List<MaintainedKey> deleted) {
        public MaintenanceReport {
            rotated = List.copyOf(rotated);
            deleted = List.copyOf(deleted);
        }

        public List<String> rotatedKeyIds() {
            return rotated.stream().map(MaintainedKey::keyId).toList();
        }

        public List<String> deletedKeyIds() {
            return deleted.stream().map(MaintainedKey::keyId).toList();
        }
    }

    /** A key one run rotated or deleted, with its account and ARN (a deleted key can no longer be looked up). */
    public record MaintainedKey(String accountId, String keyId, String keyArn) {
    }

    /**
     * Token objects with a key material's label that no key refers to, key materials missing from the token, the
     * service's own keys ({@link ServiceKeys#LABEL_PREFIX}), the objects kms did not create, and the objects a
     * killed process left half-written ({@link Hsm#incompleteObjects()}), with how many of those were destroyed.
     */
    public record ReconcileReport(List<Hsm.TokenObject> orphans, List<MaterialId> missing, int serviceObjects,
                                  int foreignObjects, boolean orphansDestroyed, List<Hsm.TokenObject> incomplete,
                                  int incompleteDestroyed) {
    }

    /** Rotates every key whose automatic rotation is due and deletes every key whose deletion date passed. */
    public MaintenanceReport runDue() {
        Instant now = clock.instant();
        List<MaintainedKey> rotated = new ArrayList<>();
        List<MaintainedKey> deleted = new ArrayList<>();
        for (KmsKey key : keys.store().findKeysDueAt(now)) {
            try {
                if (key.state() == KeyState.PendingDeletion && !key.deletionDate().isAfter(now)) {
                    delete(key);
                    deleted.add(maintained(key));
                } else if (rotations.rotateIfDue(key.keyId(), now)) {
                    rotated.add(maintained(key));
                }
            } catch (RuntimeException e) {
                // One failing key must not hold back the others; the next run retries it.
                LOG.error("Maintenance of key {} failed: {}", key.keyId(), e.getMessage());
            }
        }
        return new MaintenanceReport(rotated, deleted);
    }

    private MaintainedKey maintained(KmsKey key) {
        return new MaintainedKey(key.accountId(), key.keyId(), keys.deployment().keyArn(key));
    }

    /**
     * Destroys the token objects first and the metadata last, so an interrupted deletion is finished
     * by the next run (destroying an absent object is not an error).
     */
    private void delete(KmsKey key) {
        for (KeyMaterial material : key.materials()) {
            materials.destroy(material.id());
        }
        keys.store().deleteKey(key.keyId());
        LOG.info("Deleted key {} and its {} token objects", key.keyId(), key.materials().size());
    }

    /**
     * Compares the token with the metadata. Token objects are listed before the metadata is read, so a key
     * committed in between is not mistaken for an orphan; one still being created may be, which is why
     * destroying orphans is an explicit choice. Half-written objects hold no material, so destroying them loses
     * nothing; it is asked for apart because on a partition shared with other applications they may be theirs.
     */
    public ReconcileReport reconcile(boolean destroyOrphans, boolean destroyIncomplete) {
        List<Hsm.TokenObject> incomplete = hsm.incompleteObjects();
        List<Hsm.TokenObject> tokenObjects = hsm.listKeys();
        Set<MaterialId> known = keys.store().allMaterialIds();
        List<Hsm.TokenObject> orphans = new ArrayList<>();
        Set<MaterialId> present = new HashSet<>();
        int service = 0;
        int foreign = 0;
        for (Hsm.TokenObject object : tokenObjects) {
            String label = object.label() == null ? "" : object.label();
            boolean keyMaterial = label.startsWith(KeyMaterials.LABEL_PREFIX) && object.id() != null;
            if (label.startsWith(ServiceKeys.LABEL_PREFIX)) {
                service++;
            } else if (!keyMaterial) {
                foreign++;
            } else if (known.contains(object.id())) {
                present.add(object.id());
            } else {
                orphans.add(object);
            }
        }
        List<MaterialId> missing = known.stream().filter(id -> !present.contains(id)).sorted(
                java.util.Comparator.comparing(MaterialId::hex)).toList();
        // First: destroying an orphan by its id also takes the half-written copies that carry that id.
        int incompleteDestroyed = 0;
        if (destroyIncomplete) {
            incompleteDestroyed = hsm.destroyIncompleteObjects();
            LOG.info("Destroyed {} half-written token objects", incompleteDestroyed);
        }
        if (destroyOrphans) {
            orphans.forEach(o -> materials.destroy(o.id()));
            LOG.info("Destroyed {} orphaned token objects", orphans.size());
        }
        return new ReconcileReport(orphans, missing, service, foreign, destroyOrphans, incomplete,
                incompleteDestroyed);
    }
}
