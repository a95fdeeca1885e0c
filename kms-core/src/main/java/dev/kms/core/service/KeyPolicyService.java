package dev.kms.core.service;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.KeyRef;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.Page;
import dev.kms.core.operation.Action;
import dev.kms.core.operation.KmsOperation;
import dev.kms.core.policy.ConditionKeys;
import dev.kms.core.policy.Policies;
import dev.kms.core.policy.Policy;
import dev.kms.core.policy.PolicyKind;
import dev.kms.core.policy.PrincipalType;
import dev.kms.core.policy.Statement;
import dev.kms.core.port.PolicyParser;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GetKeyPolicy, PutKeyPolicy and ListKeyPolicies, with the checks every new key policy must pass. */
public final class KeyPolicyService {
    /** AWS keys have exactly one policy, and this is its name. */
    public static final String POLICY_NAME = "default";
    /** The session name a role's simulated requests carry. */
    public static final String SIMULATED_SESSION = "simulate-principal-policy";
    private static final String SIMULATE = "iam:SimulatePrincipalPolicy";
    /** Groups: partition, service, account, resource; an assumed-role session is sts's, the others iam's. */
    private static final Pattern CALLER_ARN = Pattern.compile("arn:([a-z0-9-]+):(iam|sts)::(\\d{12}):"
            + "(root|user/[\\w+=,.@/-]+|role/[\\w+=,.@/-]+|assumed-role/[\\w+=,.@-]+/[\\w+=,.@-]+)");

    private final KeyRepository keys;
    private final PolicyParser parser;

    KeyPolicyService(KeyRepository keys, PolicyParser parser) {
        this.keys = keys;
        this.parser = parser;
    }

    public String getKeyPolicy(RequestContext ctx, KeyRef keyRef, String policyName) {
        KmsKey key = keys.resolveAuthorized(ctx, keyRef, KmsOperation.GET_KEY_POLICY.action());
        requirePolicyName(policyName);
        return keys.authorizer().keyPolicyText(key);
    }

    public Page<String> listKeyPolicies(RequestContext ctx, KeyRef keyRef, Integer limit, String marker) {
        Paging.limit(limit, 100, 1000);
        String after = Paging.position(marker);
        keys.resolveAuthorized(ctx, keyRef, KmsOperation.LIST_KEY_POLICIES.action());
        return new Page<>(after == null ? List.of(POLICY_NAME) : List.of(), null);
    }

    public KmsKey putKeyPolicy(RequestContext ctx, KeyRef keyRef, String policyName, String policy, boolean bypassLockoutCheck) {
        requirePolicyName(policyName);
        KmsKey target = keys.resolveManaged(ctx, keyRef, KmsOperation.PUT_KEY_POLICY.action(), ConditionKeys.builder(),
                "change the key policy of");
        String checked = checkedPolicy(ctx, target, policy, bypassLockoutCheck);
        return keys.update(target.keyId(), key -> {
            key.state().requireNotPendingDeletion(keys.arn(key));
            return key.withPolicy(checked);
        });
    }

    /**
     * simulate-principal-policy: how {@code action} on key {@code keyRef} (of the caller's account) by the
     * principal {@code policySourceArn} would be decided with the given request context keys, and which statements
     * of which policies decided it. A role ARN is simulated as a session of the role named {@value #SIMULATED_SESSION}.
     * Only an account root may simulate, and only principals of its own account unless it is the deployment
     * account's root; nothing is performed and nothing is denied.
     */
    public Simulation simulatePrincipalPolicy(RequestContext ctx, String policySourceArn, String action, KeyRef keyRef,
                                              Map<String, List<String>> context) {
        Principal caller = ctx.principal();
        if (policySourceArn == null || policySourceArn.isEmpty()) {
            throw KmsException.validation("policySourceArn", "Member must have length greater than or equal to 1");
        }
        if (action == null || action.isEmpty()) {
            throw KmsException.validation("actionNames", "Member must have length greater than or equal to 1");
        }
        Matcher arn = CALLER_ARN.matcher(policySourceArn);
        boolean valid = arn.matches() && arn.group(2).equals("sts") == arn.group(4).startsWith("assumed-role/");
        boolean ownAccount = valid && arn.group(3).equals(caller.accountId());
        if (caller.type() != PrincipalType.ROOT
                || !ownAccount && !caller.accountId().equals(keys.deployment().accountId())) {
            throw new KmsException(ErrorCode.ACCESS_DENIED, "User: " + caller.arn() + " is not authorized to perform: "
                    + SIMULATE + " on resource: " + policySourceArn + " because only the account root may simulate "
                    + "its account's principals");
        }
        if (!valid || !arn.group(1).equals(keys.deployment().partition())) {
            throw KmsException.validation("policySourceArn", "Member must be the ARN of an account root, user, role or "
                    + "assumed-role session of partition " + keys.deployment().partition());
        }
        if (!keys.authorizer().directory().exists(policySourceArn)) {
            throw new KmsException(ErrorCode.NOT_FOUND, "The principal " + policySourceArn + " cannot be found.");
        }
        Action asked = new Action(action);
        KmsKey key = keys.resolve(ctx, keyRef, "resourceArns", asked);
        ConditionKeys.Builder conditions = ConditionKeys.builder();
        if (context != null) {
            context.forEach(conditions::put);
        }
        try {
            return keys.authorizer().simulate(simulated(arn), asked, key, conditions);
        } catch (IllegalArgumentException e) {
            throw KmsException.validation("contextEntries", e.getMessage());
        }
    }

    /** The principal a policy source ARN stands for; a role stands for a session of it. */
    private static Principal simulated(Matcher arn) {
        String partition = arn.group(1);
        String account = arn.group(3);
        String resource = arn.group(4);
        if (resource.equals("root")) {
            return Principal.root(partition, account);
        }
        if (resource.startsWith("role/")) {
            String role = resource.substring(resource.lastIndexOf('/') + 1);
            return new Principal(PrincipalType.ASSUMED_ROLE, "arn:" + partition + ":sts::" + account + ":assumed-role/"
                    + role + "/" + SIMULATED_SESSION, account, null, SIMULATED_SESSION, null);
        }
        String full = arn.group(0);
        return new Principal(PrincipalType.of(full), full, account, null, resource.substring(resource.lastIndexOf('/') + 1),
                null);
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
        if (!bypassLockoutCheck && !keys.authorizer().decide(ctx, KmsOperation.PUT_KEY_POLICY.action(), key, policy, ConditionKeys.builder()).allowed()) {
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
