package dev.kms.core.service;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.Alias;
import dev.kms.core.model.Deployment;
import dev.kms.core.model.KmsKey;
import dev.kms.core.port.MetadataStore;

import java.util.ConcurrentModificationException;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Finds keys by any of the identifiers AWS KMS accepts (key id, key ARN, alias name, alias ARN) and
 * applies changes to them with optimistic concurrency.
 */
final class KeyRepository {
    private static final int MAX_KEY_ID_LENGTH = 2048;
    private static final int MAX_UPDATE_ATTEMPTS = 16;
    private static final Pattern ARN = Pattern.compile("arn:([^:]+):kms:([^:]+):(\\d{12}):((key|alias)/.+)");

    private final Deployment deployment;
    private final MetadataStore store;

    KeyRepository(Deployment deployment, MetadataStore store) {
        this.deployment = deployment;
        this.store = store;
    }

    Deployment deployment() {
        return deployment;
    }

    MetadataStore store() {
        return store;
    }

    String arn(KmsKey key) {
        return deployment.keyArn(key);
    }

    /** Resolves a KeyId parameter to a key of the caller's account, or throws NotFoundException. */
    KmsKey resolve(String keyRef) {
        return resolve(keyRef, "keyId");
    }

    KmsKey resolve(String keyRef, String field) {
        requireKeyRef(keyRef, field);
        String account = deployment.accountId();
        String resource = keyRef;
        if (keyRef.startsWith("arn:")) {
            var m = ARN.matcher(keyRef);
            if (!m.matches()) {
                throw new KmsException(ErrorCode.INVALID_ARN, "Invalid arn " + keyRef);
            }
            if (!m.group(1).equals(deployment.partition()) || !m.group(2).equals(deployment.region())
                    || !m.group(3).equals(account)) {
                throw keyNotFound(keyRef);
            }
            resource = m.group(4);
        }
        if (resource.startsWith("alias/")) {
            String aliasName = resource;
            Alias alias = store.findAlias(account, aliasName).orElseThrow(() -> new KmsException(ErrorCode.NOT_FOUND,
                    "Alias " + deployment.arnPrefix(account) + aliasName + " is not found."));
            return findById(alias.targetKeyId(), keyRef);
        }
        String keyId = resource.startsWith("key/") && keyRef.startsWith("arn:") ? resource.substring(4) : resource;
        if (!isUuid(keyId)) {
            throw new KmsException(ErrorCode.NOT_FOUND, "Invalid keyId '" + keyRef + "'");
        }
        return findById(keyId, keyRef);
    }

    /** Resolves a parameter that must name a key directly (key id or key ARN), not through an alias. */
    KmsKey resolveKeyOnly(String keyRef, String field) {
        requireKeyRef(keyRef, field);
        if (keyRef.startsWith("alias/") || keyRef.matches("arn:[^:]+:kms:[^:]*:[^:]*:alias/.*")) {
            throw KmsException.validation(field, "Member must be a key id or key ARN, not an alias");
        }
        return resolve(keyRef, field);
    }

    private KmsKey findById(String keyId, String keyRef) {
        KmsKey key = store.findKey(keyId).orElseThrow(() -> keyNotFound(keyRef));
        if (!key.accountId().equals(deployment.accountId())) {
            throw keyNotFound(keyRef);
        }
        return key;
    }

    private KmsException keyNotFound(String keyRef) {
        String shown = keyRef.startsWith("arn:") ? keyRef : deployment.arnPrefix(deployment.accountId()) + "key/" + keyRef;
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
            } catch (ConcurrentModificationException e) {
                // another writer got there first; re-read and re-check the rules against its result
            }
        }
        throw new KmsException(ErrorCode.INTERNAL, "Key " + keyId + " is being changed concurrently; retry the request.");
    }

    private static void requireKeyRef(String keyRef, String field) {
        if (keyRef == null || keyRef.isEmpty()) {
            throw KmsException.validation(field, "Member must have length greater than or equal to 1");
        }
        if (keyRef.length() > MAX_KEY_ID_LENGTH) {
            throw KmsException.validation(field, "Member must have length less than or equal to " + MAX_KEY_ID_LENGTH);
        }
    }

    static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        try {
            return UUID.fromString(s).toString().equals(s.toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
