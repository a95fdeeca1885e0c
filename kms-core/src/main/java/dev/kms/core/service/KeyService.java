package dev.kms.core.service;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.KeyManager;
import dev.kms.core.model.KeyMaterial;
import dev.kms.core.model.KeyRef;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.KeyState;
import dev.kms.core.model.KeyUsage;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.MaterialId;
import dev.kms.core.model.Origin;
import dev.kms.core.model.Page;
import dev.kms.core.model.RotationSchedule;
import dev.kms.core.operation.Action;
import dev.kms.core.operation.KmsOperation;
import dev.kms.core.policy.ConditionKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** Key lifecycle use cases: create, describe, list, update, enable, disable, deletion and tags. */
public final class KeyService {
    private static final Logger LOG = LoggerFactory.getLogger(KeyService.class);
    static final int MAX_DESCRIPTION_LENGTH = 8192;
    static final int MIN_PENDING_WINDOW_DAYS = 7;
    static final int MAX_PENDING_WINDOW_DAYS = 30;

    private final KeyRepository keys;
    private final KeyMaterials materials;
    private final KeyPolicyService policies;
    private final Clock clock;

    KeyService(KeyRepository keys, KeyMaterials materials, KeyPolicyService policies, Clock clock) {
        this.keys = keys;
        this.materials = materials;
        this.policies = policies;
        this.clock = clock;
    }

    /**
     * Creates a key. Crash-safe order: the token object is generated first and the metadata committed
     * after, so metadata never points at missing material; a failed commit destroys the new object.
     */
    public KmsKey createKey(RequestContext ctx, CreateKeyRequest request) {
        keys.authorizer().authorizeAccountAction(ctx, KmsOperation.CREATE_KEY.action());
        String description = request.description() == null ? "" : request.description();
        requireDescription(description);
        KeySpec spec = request.keySpec() == null ? KeySpec.SYMMETRIC_DEFAULT : request.keySpec();
        KeyUsage usage = request.keyUsage() == null ? spec.defaultUsage() : request.keyUsage();
        if (!spec.supports(usage)) {
            throw KmsException.validation("keyUsage", "KeyUsage " + usage + " is not compatible with KeySpec " + spec);
        }
        Tags.validate(request.tags());
        Tags.requireWithinLimit(request.tags());

        String keyId = UUID.randomUUID().toString();
        Instant now = now();
        String account = ctx.principal().accountId();
        // The policy is checked against the key-to-be before any token object exists, so a refused policy
        // costs the HSM nothing; the draft's material is a placeholder replaced by the generated one.
        KmsKey draft = new KmsKey(keyId, account, description, now, KeyState.Enabled, spec, usage, Origin.AWS_KMS,
                KeyManager.CUSTOMER, null, null, RotationSchedule.off(),
                List.of(new KeyMaterial(MaterialId.random(), now, null)), request.tags(), null, 1);
        String policy = policies.checkedPolicyForNewKey(ctx, draft, request.policy(), request.bypassPolicyLockoutSafetyCheck());

        KeyMaterial material = materials.generate(keyId, spec, 1, null, now);
        KmsKey key = draft.withMaterials(List.of(material)).withPolicy(policy);
        try {
            keys.store().insertKey(key);
        } catch (RuntimeException e) {
            materials.destroyQuietly(material.id());
            throw e;
        }
        LOG.info("Created key {} with material {}", keyId, material.id());
        return key;
    }

    public KmsKey describeKey(RequestContext ctx, KeyRef keyRef) {
        return keys.resolveAuthorized(ctx, keyRef, KmsOperation.DESCRIBE_KEY.action());
    }

    public Page<KmsKey> listKeys(RequestContext ctx, Integer limit, String marker) {
        int max = Paging.limit(limit, 100, 1000);
        String after = Paging.position(marker);
        keys.authorizer().authorizeAccountAction(ctx, KmsOperation.LIST_KEYS.action());
        List<KmsKey> fetched = keys.store().listKeys(ctx.principal().accountId(), after, max + 1);
        return Paging.page(fetched, max, KmsKey::keyId);
    }

    public KmsKey updateKeyDescription(RequestContext ctx, KeyRef keyRef, String description) {
        if (description == null) {
            throw KmsException.validation("description", "Member must not be null");
        }
        requireDescription(description);
        return change(ctx, keyRef, KmsOperation.UPDATE_KEY_DESCRIPTION.action(), "update the description of", key -> {
            key.state().requireNotPendingDeletion(keys.arn(key));
            return key.withDescription(description);
        });
    }

    public KmsKey enableKey(RequestContext ctx, KeyRef keyRef) {
        return change(ctx, keyRef, KmsOperation.ENABLE_KEY.action(), "enable", key -> {
            key.state().requireNotPendingDeletion(keys.arn(key));
            return key.state() == KeyState.Enabled ? key : key.withState(KeyState.Enabled, null, null);
        });
    }

    public KmsKey disableKey(RequestContext ctx, KeyRef keyRef) {
        return change(ctx, keyRef, KmsOperation.DISABLE_KEY.action(), "disable", key -> {
            key.state().requireNotPendingDeletion(keys.arn(key));
            return key.state() == KeyState.Disabled ? key : key.withState(KeyState.Disabled, null, null);
        });
    }

    public KmsKey scheduleKeyDeletion(RequestContext ctx, KeyRef keyRef, Integer pendingWindowInDays) {
        int days = pendingWindowInDays == null ? MAX_PENDING_WINDOW_DAYS : pendingWindowInDays;
        if (days < MIN_PENDING_WINDOW_DAYS || days > MAX_PENDING_WINDOW_DAYS) {
            throw KmsException.validation("pendingWindowInDays",
                    "Member must have value between " + MIN_PENDING_WINDOW_DAYS + " and " + MAX_PENDING_WINDOW_DAYS);
        }
        Instant deletionDate = now().plus(Duration.ofDays(days));
        KmsKey target = keys.resolveManaged(ctx, keyRef, KmsOperation.SCHEDULE_KEY_DELETION.action(), ConditionKeys.builder()
                .put(ConditionKeys.SCHEDULE_KEY_DELETION_PENDING_WINDOW_IN_DAYS, Integer.toString(days)),
                "schedule the deletion of");
        KmsKey scheduled = keys.update(target.keyId(), key -> {
            key.state().requireNotPendingDeletion(keys.arn(key));
            return key.withState(KeyState.PendingDeletion, deletionDate, days);
        });
        LOG.info("Key {} scheduled for deletion on {}", scheduled.keyId(), deletionDate);
        return scheduled;
    }

    public KmsKey cancelKeyDeletion(RequestContext ctx, KeyRef keyRef) {
        return change(ctx, keyRef, KmsOperation.CANCEL_KEY_DELETION.action(), "cancel the deletion of", key -> {
            if (key.state() != KeyState.PendingDeletion) {
                throw new KmsException(ErrorCode.INVALID_STATE, keys.arn(key) + " is not pending deletion.");
            }
            return key.withState(KeyState.Disabled, null, null);
        });
    }

    public KmsKey tagResource(RequestContext ctx, KeyRef keyRef, Map<String, String> tags) {
        if (tags == null || tags.isEmpty()) {
            throw KmsException.validation("tags", "Member must have at least 1 item");
        }
        Tags.validate(tags);
        return change(ctx, keyRef, KmsOperation.TAG_RESOURCE.action(), "tag", key -> {
            key.state().requireNotPendingDeletion(keys.arn(key));
            Map<String, String> merged = new HashMap<>(key.tags());
            merged.putAll(tags);
            Tags.requireWithinLimit(merged);
            return key.withTags(merged);
        });
    }

    public KmsKey untagResource(RequestContext ctx, KeyRef keyRef, List<String> tagKeys) {
        Tags.validateKeys(tagKeys);
        return change(ctx, keyRef, KmsOperation.UNTAG_RESOURCE.action(), "untag", key -> {
            key.state().requireNotPendingDeletion(keys.arn(key));
            Map<String, String> remaining = new HashMap<>(key.tags());
            tagKeys.forEach(remaining::remove);
            return key.withTags(remaining);
        });
    }

    public Page<Map.Entry<String, String>> listResourceTags(RequestContext ctx, KeyRef keyRef, Integer limit, String marker) {
        int max = Paging.limit(limit, 50, 50);
        String after = Paging.position(marker);
        var tags = keys.resolveAuthorized(ctx, keyRef, KmsOperation.LIST_RESOURCE_TAGS.action()).sortedTags();
        var remaining = after == null ? tags : tags.tailMap(after, false);
        List<Map.Entry<String, String>> fetched = remaining.entrySet().stream().limit(max + 1L)
                .map(e -> Map.entry(e.getKey(), e.getValue())).toList();
        return Paging.page(fetched, max, Map.Entry::getKey);
    }

    /** Authorizes {@code action}, refuses it on service-managed keys, then applies {@code change}. */
    private KmsKey change(RequestContext ctx, KeyRef keyRef, Action action, String what, UnaryOperator<KmsKey> change) {
        KmsKey target = keys.resolveManaged(ctx, keyRef, action, ConditionKeys.builder(), what);
        return keys.update(target.keyId(), change);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static void requireDescription(String description) {
        if (description.length() > MAX_DESCRIPTION_LENGTH) {
            throw KmsException.validation("description", "Member must have length less than or equal to " + MAX_DESCRIPTION_LENGTH);
        }
    }
}
