package dev.kms.core.service;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.KeyMaterial;
import dev.kms.core.model.KeyRef;
import dev.kms.core.model.KeyState;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.Page;
import dev.kms.core.model.RotationSchedule;
import dev.kms.core.model.RotationType;
import dev.kms.core.operation.KmsOperation;
import dev.kms.core.policy.ConditionKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Automatic and on-demand rotation: each rotation adds a token object and makes it the current material. */
public final class RotationService {
    static final int MAX_ON_DEMAND_ROTATIONS = 25;
    private static final Logger LOG = LoggerFactory.getLogger(RotationService.class);

    private final KeyRepository keys;
    private final KeyMaterials materials;
    private final Clock clock;

    RotationService(KeyRepository keys, KeyMaterials materials, Clock clock) {
        this.keys = keys;
        this.materials = materials;
        this.clock = clock;
    }

    /** The answer of GetKeyRotationStatus; {@code nextRotationDate} is null while rotation is off. */
    public record RotationStatus(String keyArn, boolean enabled, Integer rotationPeriodInDays, Instant nextRotationDate) {
    }

    public KmsKey enableKeyRotation(RequestContext ctx, KeyRef keyRef, Integer rotationPeriodInDays) {
        int period = rotationPeriodInDays == null ? RotationSchedule.DEFAULT_PERIOD_DAYS : rotationPeriodInDays;
        if (period < RotationSchedule.MIN_PERIOD_DAYS || period > RotationSchedule.MAX_PERIOD_DAYS) {
            throw KmsException.validation("rotationPeriodInDays", "Member must have value between "
                    + RotationSchedule.MIN_PERIOD_DAYS + " and " + RotationSchedule.MAX_PERIOD_DAYS);
        }
        Instant now = now();
        KmsKey target = keys.resolveManaged(ctx, keyRef, KmsOperation.ENABLE_KEY_ROTATION.action(), ConditionKeys.builder()
                .put(ConditionKeys.ROTATION_PERIOD_IN_DAYS, Integer.toString(period)), "change the rotation of");
        return keys.update(target.keyId(), key -> {
            requireRotatableAndEnabled(key);
            RotationSchedule current = key.rotation();
            if (current.enabled() && current.periodInDays() == period) {
                return key;
            }
            // Changing the period of an active schedule keeps its starting point, as AWS does.
            Instant from = current.enabled() ? current.nextRotation().minus(Duration.ofDays(current.periodInDays())) : now;
            return key.withRotation(RotationSchedule.every(period, from));
        });
    }

    public KmsKey disableKeyRotation(RequestContext ctx, KeyRef keyRef) {
        KmsKey target = keys.resolveManaged(ctx, keyRef, KmsOperation.DISABLE_KEY_ROTATION.action(), ConditionKeys.builder(),
                "change the rotation of");
        return keys.update(target.keyId(), key -> {
            requireRotatableAndEnabled(key);
            return key.rotation().enabled() ? key.withRotation(RotationSchedule.off()) : key;
        });
    }

    public RotationStatus getKeyRotationStatus(RequestContext ctx, KeyRef keyRef) {
        KmsKey key = keys.resolveAuthorized(ctx, keyRef, KmsOperation.GET_KEY_ROTATION_STATUS.action());
        key.state().requireNotPendingDeletion(keys.arn(key));
        requireRotatable(key);
        RotationSchedule rotation = key.rotation();
        return rotation.enabled()
                ? new RotationStatus(keys.arn(key), true, rotation.periodInDays(), rotation.nextRotation())
                : new RotationStatus(keys.arn(key), false, null, null);
    }

    /** Rotates now; does not move the automatic schedule. At most 25 times per key. */
    public KmsKey rotateKeyOnDemand(RequestContext ctx, KeyRef keyRef) {
        KmsKey key = keys.resolveManaged(ctx, keyRef, KmsOperation.ROTATE_KEY_ON_DEMAND.action(), ConditionKeys.builder(),
                "rotate on demand");
        requireRotatableAndEnabled(key);
        requireOnDemandQuota(key);
        KmsKey rotated = rotate(key.keyId(), RotationType.ON_DEMAND, k -> {
            requireRotatableAndEnabled(k);
            requireOnDemandQuota(k);
            return k;
        });
        LOG.info("Rotated key {} on demand to material {}", rotated.keyId(), rotated.currentMaterial().id());
        return rotated;
    }

    /** Rotations of a key (materials after the first), oldest first. */
    public Page<KeyMaterial> listKeyRotations(RequestContext ctx, KeyRef keyRef, Integer limit, String marker) {
        int max = Paging.limit(limit, 100, 1000);
        KmsKey key = keys.resolveAuthorized(ctx, keyRef, KmsOperation.LIST_KEY_ROTATIONS.action());
        requireRotatable(key);
        List<KeyMaterial> rotations = key.materials().stream().filter(KeyMaterial::isRotation).toList();
        String after = Paging.position(marker);
        int start = 0;
        if (after != null) {
            start = indexAfter(rotations, after);
        }
        List<KeyMaterial> fetched = rotations.subList(start, Math.min(rotations.size(), start + max + 1));
        return Paging.page(fetched, max, m -> m.id().hex());
    }

    /** Performs the automatic rotation of a key if it is due and enabled; returns whether it rotated. */
    boolean rotateIfDue(String keyId, Instant now) {
        KmsKey key = keys.store().findKey(keyId).orElse(null);
        if (key == null || !isAutomaticRotationDue(key, now)) {
            return false;
        }
        KmsKey rotated;
        try {
            rotated = rotate(keyId, RotationType.AUTOMATIC, k -> {
                if (!isAutomaticRotationDue(k, now)) {
                    throw new NoLongerDue();
                }
                RotationSchedule schedule = k.rotation();
                Instant next = schedule.nextRotation().plus(Duration.ofDays(schedule.periodInDays()));
                // A process that was down for longer than a period rotates once, then resumes the cadence from now.
                Instant from = next.isAfter(now) ? schedule.nextRotation() : now;
                return k.withRotation(RotationSchedule.every(schedule.periodInDays(), from));
            });
        } catch (NoLongerDue e) {
            return false;
        }
        LOG.info("Rotated key {} automatically to material {}", keyId, rotated.currentMaterial().id());
        return true;
    }

    private static boolean isAutomaticRotationDue(KmsKey key, Instant now) {
        return key.state() == KeyState.Enabled && key.rotation().isDue(now);
    }

    /** Another writer disabled, rotated or rescheduled the key between the due check and the commit. */
    private static final class NoLongerDue extends RuntimeException {
        NoLongerDue() {
            super(null, null, false, false);
        }
    }

    /**
     * Generates the new token object first, then commits it as the current material; {@code rules}
     * re-validates against the latest copy of the key and may throw to refuse. A refused or failed
     * commit destroys the new object again, so no orphan is left behind.
     */
    private KmsKey rotate(String keyId, RotationType type, java.util.function.UnaryOperator<KmsKey> rules) {
        KmsKey key = keys.store().findKey(keyId).orElseThrow(() -> KmsException.notFound("Key " + keyId));
        KeyMaterial material = materials.generate(keyId, key.keySpec(), key.materials().size() + 1, type, now());
        try {
            return keys.update(keyId, k -> {
                List<KeyMaterial> extended = new ArrayList<>(k.materials());
                extended.add(material);
                return rules.apply(k).withMaterials(extended);
            });
        } catch (RuntimeException e) {
            materials.destroyQuietly(material.id());
            throw e;
        }
    }

    private void requireRotatableAndEnabled(KmsKey key) {
        requireRotatable(key);
        key.state().requireUsable(keys.arn(key));
    }

    private void requireRotatable(KmsKey key) {
        if (!key.keySpec().rotatable()) {
            throw new KmsException(ErrorCode.UNSUPPORTED_OPERATION,
                    keys.arn(key) + " has key spec " + key.keySpec() + ", which does not support rotation.");
        }
    }

    private void requireOnDemandQuota(KmsKey key) {
        if (key.onDemandRotationCount() >= MAX_ON_DEMAND_ROTATIONS) {
            throw new KmsException(ErrorCode.LIMIT_EXCEEDED, keys.arn(key) + " has already been rotated on demand "
                    + MAX_ON_DEMAND_ROTATIONS + " times, the most allowed.");
        }
    }

    private static int indexAfter(List<KeyMaterial> rotations, String afterId) {
        for (int i = 0; i < rotations.size(); i++) {
            if (rotations.get(i).id().hex().equals(afterId)) {
                return i + 1;
            }
        }
        throw new KmsException(ErrorCode.INVALID_MARKER, "The marker does not belong to this key's rotations.");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
