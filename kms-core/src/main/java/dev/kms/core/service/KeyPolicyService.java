package dev.kms.core.service;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.Page;
import dev.kms.core.policy.ConditionKeys;
import dev.kms.core.policy.Policies;
import dev.kms.core.policy.Policy;
import dev.kms.core.policy.PolicyKind;
import dev.kms.core.policy.PolicyParser;
import dev.kms.core.policy.Statement;

import java.util.List;
import java.util.TreeSet;

/** GetKeyPolicy, PutKeyPolicy and ListKeyPolicies, with the checks every new key policy must pass. */
public final class KeyPolicyService {
    /** AWS keys have exactly one policy, and this is its name. */
    public static final String POLICY_NAME = "default";

    private final KeyRepository keys;
    private final PolicyParser parser;

    KeyPolicyService(KeyRepository keys, PolicyParser parser) {
        this.keys = keys;
        this.parser = parser;
    }

    public String getKeyPolicy(RequestContext ctx, String keyRef, String policyName) {
        KmsKey key = keys.resolveAuthorized(ctx, keyRef, "kms:GetKeyPolicy");
        requirePolicyName(policyName);
        return keys.authorizer().keyPolicyText(key);
    }

    public Page<String> listKeyPolicies(RequestContext ctx, String keyRef, Integer limit, String marker) {
        Paging.limit(limit, 100, 1000);
        String after = Paging.position(marker);
        keys.resolveAuthorized(ctx, keyRef, "kms:ListKeyPolicies");
        return new Page<>(after == null ? List.of(POLICY_NAME) : List.of(), null);
    }

    public KmsKey putKeyPolicy(RequestContext ctx, String keyRef, String policyName, String policy, boolean bypassLockoutCheck) {
        requirePolicyName(policyName);
        KmsKey target = keys.resolveAuthorized(ctx, keyRef, "kms:PutKeyPolicy");
        ServiceManagedKeys.requireCustomerManaged(target, keys.arn(target), "change the key policy of");
        String checked = checkedPolicy(ctx, target, policy, bypassLockoutCheck);
        return keys.update(target.keyId(), key -> {
            key.state().requireNotPendingDeletion(keys.arn(key));
            return key.withPolicy(checked);
        });
    }

    /** The policy a new key gets: the given one once it passes the checks, else the default key policy. */
    String checkedPolicyForNewKey(RequestContext ctx, KmsKey draft, String policy, boolean bypassLockoutCheck) {
        if (policy == null) {
            return Policies.defaultKeyPolicy(keys.deployment().partition(), draft.accountId());
        }
        return checkedPolicy(ctx, draft, policy, bypassLockoutCheck);
    }

    /**
     * A new key policy must parse, name only principals that exist, and (unless the caller bypasses the
     * lockout safety check) still let the caller change the policy later.
     */
    private String checkedPolicy(RequestContext ctx, KmsKey key, String policy, boolean bypassLockoutCheck) {
        if (policy == null || policy.isEmpty()) {
            throw KmsException.validation("policy", "Member must have length greater than or equal to 1");
        }
        Policy parsed = parser.parse(policy, PolicyKind.KEY);
        requireNamedPrincipalsExist(parsed);
        if (!bypassLockoutCheck && !keys.authorizer().decide(ctx, "kms:PutKeyPolicy", key, policy, ConditionKeys.builder()).allowed()) {
            throw new KmsException(ErrorCode.MALFORMED_POLICY_DOCUMENT, "The new key policy will not allow you to update "
                    + "the key policy in the future: it does not allow " + ctx.principal().arn() + " to call kms:PutKeyPolicy. "
                    + "Set BypassPolicyLockoutSafetyCheck to apply it anyway.");
        }
        return policy;
    }

    private void requireNamedPrincipalsExist(Policy policy) {
        TreeSet<String> missing = new TreeSet<>();
        for (Statement statement : policy.statements()) {
            if (statement.principal() == null) {
                continue;
            }
            for (String named : statement.principal().aws()) {
                if (!named.equals("*") && !keys.authorizer().directory().exists(named)) {
                    missing.add(named);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new KmsException(ErrorCode.MALFORMED_POLICY_DOCUMENT,
                    "Policy contains a statement with one or more invalid principals: " + String.join(", ", missing));
        }
    }

    private static void requirePolicyName(String policyName) {
        if (policyName != null && !policyName.equals(POLICY_NAME)) {
            throw new KmsException(ErrorCode.NOT_FOUND, "Key policy " + policyName + " does not exist; the only policy is "
                    + POLICY_NAME + ".");
        }
    }
}
