package dev.kms.core.service;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Alias;
import dev.kms.core.model.KeyRef;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.Page;
import dev.kms.core.operation.Action;
import dev.kms.core.operation.KmsOperation;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;

/** CreateAlias, UpdateAlias, DeleteAlias and ListAliases. */
public final class AliasService {
    private static final Pattern ALIAS_NAME = Pattern.compile("alias/[a-zA-Z0-9/_-]+");
    private static final int MAX_ALIAS_LENGTH = 256;

    private final KeyRepository keys;
    private final Clock clock;

    AliasService(KeyRepository keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    public Alias createAlias(RequestContext ctx, String aliasName, KeyRef targetKeyRef) {
        requireCustomerAliasName(aliasName);
        KmsKey target = usableTarget(ctx, targetKeyRef, KmsOperation.CREATE_ALIAS.action());
        Instant now = now();
        Alias alias = new Alias(ctx.principal().accountId(), aliasName, target.keyId(), now, now);
        keys.store().insertAlias(alias);
        return alias;
    }

    public Alias updateAlias(RequestContext ctx, String aliasName, KeyRef targetKeyRef) {
        requireCustomerAliasName(aliasName);
        Alias existing = find(ctx, aliasName);
        KmsKey current = keys.resolveAuthorized(ctx, KeyRef.ofKeyId(existing.targetKeyId()),
                KmsOperation.UPDATE_ALIAS.action());
        KmsKey target = usableTarget(ctx, targetKeyRef, KmsOperation.UPDATE_ALIAS.action());
        if (current.keySpec() != target.keySpec() || current.keyUsage() != target.keyUsage()) {
            throw KmsException.validation("targetKeyId",
                    "the new target must have the same key spec and key usage as the current one");
        }
        Alias updated = new Alias(existing.accountId(), aliasName, target.keyId(), existing.creationDate(), now());
        keys.store().updateAlias(updated);
        return updated;
    }

    public void deleteAlias(RequestContext ctx, String aliasName) {
        requireCustomerAliasName(aliasName);
        Alias existing = find(ctx, aliasName);
        keys.resolveAuthorized(ctx, KeyRef.ofKeyId(existing.targetKeyId()), KmsOperation.DELETE_ALIAS.action());
        keys.store().deleteAlias(existing.accountId(), aliasName);
    }

    /** Aliases of the account, or of one key when {@code keyRef} is given. */
    public Page<Alias> listAliases(RequestContext ctx, KeyRef keyRef, Integer limit, String marker) {
        int max = Paging.limit(limit, 50, 100);
        String after = Paging.position(marker);
        keys.authorizer().authorizeAccountAction(ctx, KmsOperation.LIST_ALIASES.action());
        String keyId = keyRef == null ? null : keys.resolveKeyOnly(ctx, keyRef, "keyId", KmsOperation.LIST_ALIASES.action()).keyId();
        List<Alias> fetched = keys.store().listAliases(ctx.principal().accountId(), keyId, after, max + 1);
        return Paging.page(fetched, max, Alias::aliasName);
    }

    public String aliasArn(Alias alias) {
        return keys.deployment().aliasArn(alias);
    }

    private Alias find(RequestContext ctx, String aliasName) {
        String account = ctx.principal().accountId();
        return keys.store().findAlias(account, aliasName).orElseThrow(() -> new KmsException(ErrorCode.NOT_FOUND,
                "Alias " + keys.deployment().arnPrefix(account) + aliasName + " is not found."));
    }

    /** An alias may point only at a customer-managed key of the caller's own account that is not pending deletion. */
    private KmsKey usableTarget(RequestContext ctx, KeyRef targetKeyRef, Action action) {
        KmsKey target = keys.resolveKeyOnly(ctx, targetKeyRef, "targetKeyId", action);
        if (!target.accountId().equals(ctx.principal().accountId())) {
            throw KmsException.validation("targetKeyId", "the alias and its key must be in the same account");
        }
        // Before the policy, whose fixed form would only say AccessDenied (see KeyRepository.resolveManaged).
        ServiceManagedKeys.requireCustomerManaged(target, keys.arn(target), "point an alias at");
        keys.authorizer().authorize(ctx, action, target, dev.kms.core.policy.ConditionKeys.builder());
        target.state().requireNotPendingDeletion(keys.arn(target));
        return target;
    }

    private static void requireCustomerAliasName(String aliasName) {
        if (aliasName == null || aliasName.isEmpty() || aliasName.length() > MAX_ALIAS_LENGTH) {
            throw KmsException.validation("aliasName", "Member must have length between 1 and " + MAX_ALIAS_LENGTH);
        }
        if (!ALIAS_NAME.matcher(aliasName).matches()) {
            throw new KmsException(ErrorCode.INVALID_ALIAS_NAME, "Alias name " + aliasName
                    + " is not valid: it must start with alias/ followed by letters, digits, /, _ or -.");
        }
        if (aliasName.startsWith(ServiceManagedKeys.RESERVED_PREFIX)) {
            throw new KmsException(ErrorCode.INVALID_ALIAS_NAME,
                    "Alias name " + aliasName + " is not valid: the prefix alias/aws/ is reserved for AWS managed keys.");
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
