package dev.kms.core.service;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Alias;
import dev.kms.core.model.Deployment;
import dev.kms.core.model.KeyRef;
import dev.kms.core.model.KmsKey;
import dev.kms.core.operation.Action;
import dev.kms.core.policy.ConditionKeys;
import dev.kms.core.port.MetadataStore;

import java.util.Locale;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Finds keys by any of the identifiers AWS KMS accepts (key id, key ARN, alias name, alias ARN) and
 * applies changes to them with optimistic concurrency. Ids and alias names are looked up in the caller's
 * account; another account's key can only be named by ARN, and when it does not exist the caller gets
 * the same AccessDeniedException a policy would give, so it learns nothing about the other account.
 */
final class KeyRepository {
    private static final int MAX_UPDATE_ATTEMPTS = 16;
    private final Deployment deployment;
    private final MetadataStore store;
    private final KeyAuthorizer authorizer;
    private final ServiceManagedKeys serviceManaged;

    KeyRepository(Deployment deployment, MetadataStore store, KeyAuthorizer authorizer, ServiceManagedKeys serviceManaged) {
        this.deployment = deployment;
        this.store = store;
        this.authorizer = authorizer;
        this.serviceManaged = serviceManaged;
    }

    Deployment deployment() {
        return deployment;
    }

    MetadataStore store() {
        return store;
    }

    KeyAuthorizer authorizer() {
        return authorizer;
    }

    String arn(KmsKey key) {
        return deployment.keyArn(key);
    }

    /**
     * Resolves a KeyId parameter for {@code action}; NotFoundException for a missing key of the caller's
     * own account. Authorization is the caller's next step, with the operation's condition keys.
     */
    KmsKey resolve(RequestContext ctx, KeyRef ref, String field, Action action) {
        requireKeyRef(ref, field);
        String named = ref.text();
        String account = ctx.principal().accountId();
        if (ref.isArn()) {
            if (!ref.partition().equals(deployment.partition()) || !ref.region().equals(deployment.region())) {
                throw keyNotFound(named);
            }
            account = ref.accountId();
        }
        boolean foreign = !account.equals(ctx.principal().accountId());
        if (ref.aliasName() != null) {
            String aliasName = ref.aliasName();
            Alias alias = store.findAlias(account, aliasName).orElse(null);
            if (alias == null && !foreign) {
                alias = serviceManaged.findOrCreateFor(ctx, aliasName);
            }
            if (alias == null) {
                throw foreign ? authorizer.deniedUnknownKey(ctx, action, named) : new KmsException(ErrorCode.NOT_FOUND,
                        "Alias " + deployment.arnPrefix(account) + aliasName + " is not found.");
            }
            return find(ctx, alias.targetKeyId(), account, named, action);
        }
        String keyId = ref.keyId();
        if (!isUuid(keyId)) {
            throw new KmsException(ErrorCode.NOT_FOUND, "Invalid keyId '" + named + "'");
        }
        return find(ctx, keyId, account, named, action);
    }

    /** Resolves a KeyId parameter and authorizes {@code action} on the key with the given condition keys. */
    KmsKey resolveAuthorized(RequestContext ctx, KeyRef keyRef, String field, Action action,
                             ConditionKeys.Builder conditions) {
        return authorized(ctx, keyRef, resolve(ctx, keyRef, field, action), action, conditions);
    }

    private KmsKey authorized(RequestContext ctx, KeyRef keyRef, KmsKey key, Action action,
                              ConditionKeys.Builder conditions) {
        String alias = keyRef.aliasName();
        if (alias != null) {
            conditions.put(ConditionKeys.REQUEST_ALIAS, alias);
        }
        authorizer.authorize(ctx, action, key, conditions);
        return key;
    }

    KmsKey resolveAuthorized(RequestContext ctx, KeyRef keyRef, Action action) {
        return resolveAuthorized(ctx, keyRef, "keyId", action, ConditionKeys.builder());
    }

    /**
     * {@link #resolveAuthorized} for an operation that manages the key ({@code what}: "disable", ...). A
     * service-managed key of the caller's own account is refused with UnsupportedOperationException before its
     * policy is consulted: the fixed policy grants no management, so the answer would otherwise always be an
     * AccessDeniedException that does not say why. Callers from other accounts are authorized first and learn
     * nothing about the key.
     */
    KmsKey resolveManaged(RequestContext ctx, KeyRef keyRef, Action action, ConditionKeys.Builder conditions,
                          String what) {
        KmsKey key = resolve(ctx, keyRef, "keyId", action);
        if (key.accountId().equals(ctx.principal().accountId())) {
            ServiceManagedKeys.requireCustomerManaged(key, arn(key), what);
        }
        authorized(ctx, keyRef, key, action, conditions);
        ServiceManagedKeys.requireCustomerManaged(key, arn(key), what);
        return key;
    }

    /** Resolves a parameter that must name a key directly (key id or key ARN), not through an alias. */
    KmsKey resolveKeyOnly(RequestContext ctx, KeyRef keyRef, String field, Action action) {
        requireKeyRef(keyRef, field);
        if (keyRef.aliasName() != null) {
            throw KmsException.validation(field, "Member must be a key id or key ARN, not an alias");
        }
        return resolve(ctx, keyRef, field, action);
    }

    private KmsKey find(RequestContext ctx, String keyId, String account, String named, Action action) {
        KmsKey key = store.findKey(keyId).filter(k -> k.accountId().equals(account)).orElse(null);
        if (key == null) {
            throw account.equals(ctx.principal().accountId()) ? keyNotFound(named)
                    : authorizer.deniedUnknownKey(ctx, action, named);
        }
        return key;
    }

    KmsException keyNotFound(String named) {
        String shown = named.startsWith("arn:") ? named : "key/" + named;
        return new KmsException(ErrorCode.NOT_FOUND, "Key '" + shown + "' does not exist");
    }

    /**
     * Re-reads the key and applies {@code change} until the store accepts it; {@code change} may throw
     * to refuse the change (for example when the key's state forbids it).
     */
    KmsKey update(String keyId, UnaryOperator<KmsKey> change) {
        for (int attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
            KmsKey current = store.findKey(keyId).orElseThrow(() -> keyNotFound(keyId));
            KmsKey changed = change.apply(current);
            if (changed == current) {
                return current;
            }
            try {
                return store.updateKey(changed);
            } catch (KmsException e) {
                if (e.code() != ErrorCode.CONFLICT) {
                    throw e;
                }
                // another writer got there first; re-read and re-check the rules against its result
            }
        }
        throw new KmsException(ErrorCode.INTERNAL, "Key " + keyId + " is being changed concurrently; retry the request.");
    }

    /** A required KeyId member the request left out (the edge has checked the text of those it has). */
    private static void requireKeyRef(KeyRef keyRef, String field) {
        if (keyRef == null) {
            throw KmsException.validation(field, "Member must have length greater than or equal to 1");
        }
    }

    static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        try {
            return UUID.fromString(s).toString().equals(s.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
