package dev.kms.core.service;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.Alias;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.Page;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;

/** CreateAlias, UpdateAlias, DeleteAlias and ListAliases. */
public final class AliasService {
    static final String RESERVED_PREFIX = "alias/aws/";
    private static final Pattern ALIAS_NAME = Pattern.compile("alias/[a-zA-Z0-9/_-]+");
    private static final int MAX_ALIAS_LENGTH = 256;

    private final KeyRepository keys;
    private final Clock clock;

    AliasService(KeyRepository keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    public Alias createAlias(String aliasName, String targetKeyRef) {
        requireCustomerAliasName(aliasName);
        KmsKey target = usableTarget(targetKeyRef);
        Instant now = now();
        Alias alias = new Alias(keys.deployment().accountId(), aliasName, target.keyId(), now, now);
        keys.store().insertAlias(alias);
        return alias;
    }

    public Alias updateAlias(String aliasName, String targetKeyRef) {
        requireCustomerAliasName(aliasName);
        Alias existing = find(aliasName);
        KmsKey target = usableTarget(targetKeyRef);
        KmsKey current = keys.store().findKey(existing.targetKeyId()).orElse(null);
        if (current != null && (current.keySpec() != target.keySpec() || current.keyUsage() != target.keyUsage())) {
            throw KmsException.validation("targetKeyId",
                    "the new target must have the same key spec and key usage as the current one");
        }
        Alias updated = new Alias(existing.accountId(), aliasName, target.keyId(), existing.creationDate(), now());
        keys.store().updateAlias(updated);
        return updated;
    }

    public void deleteAlias(String aliasName) {
        requireCustomerAliasName(aliasName);
        find(aliasName);
        keys.store().deleteAlias(keys.deployment().accountId(), aliasName);
    }

    /** Aliases of the account, or of one key when {@code keyRef} is given. */
    public Page<Alias> listAliases(String keyRef, Integer limit, String marker) {
        int max = Paging.limit(limit, 50, 100);
        String keyId = keyRef == null ? null : keys.resolveKeyOnly(keyRef, "keyId").keyId();
        List<Alias> fetched = keys.store().listAliases(keys.deployment().accountId(), keyId, Paging.position(marker), max + 1);
        return Paging.page(fetched, max, Alias::aliasName);
    }

    public String aliasArn(Alias alias) {
        return keys.deployment().aliasArn(alias);
    }

    private Alias find(String aliasName) {
        return keys.store().findAlias(keys.deployment().accountId(), aliasName)
                .orElseThrow(() -> new KmsException(ErrorCode.NOT_FOUND,
                        "Alias " + keys.deployment().arnPrefix(keys.deployment().accountId()) + aliasName + " is not found."));
    }

    private KmsKey usableTarget(String targetKeyRef) {
        KmsKey target = keys.resolveKeyOnly(targetKeyRef, "targetKeyId");
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
        if (aliasName.startsWith(RESERVED_PREFIX)) {
            throw new KmsException(ErrorCode.INVALID_ALIAS_NAME,
                    "Alias name " + aliasName + " is not valid: the prefix alias/aws/ is reserved for AWS managed keys.");
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
