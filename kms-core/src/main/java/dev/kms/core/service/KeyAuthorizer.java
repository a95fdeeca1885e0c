package dev.kms.core.service;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Deployment;
import dev.kms.core.model.KmsKey;
import dev.kms.core.operation.Action;
import dev.kms.core.policy.AuthorizationRequest;
import dev.kms.core.policy.CachingPolicyParser;
import dev.kms.core.policy.ConditionKeys;
import dev.kms.core.policy.Decision;
import dev.kms.core.policy.Effect;
import dev.kms.core.policy.KeyAccess;
import dev.kms.core.policy.NamedPolicy;
import dev.kms.core.policy.Policies;
import dev.kms.core.policy.Policy;
import dev.kms.core.policy.PolicyEvaluation;
import dev.kms.core.policy.PolicyEvaluator;
import dev.kms.core.policy.PolicyKind;
import dev.kms.core.policy.PrincipalType;
import dev.kms.core.port.PolicyParser;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Decides every request on a key from the key policy and the caller's identity policies
 * (kms-reference.md, "Authorization"), and account-level requests (CreateKey, ListKeys...) from the
 * identity policies alone. Denials raise AccessDeniedException naming the caller and the action.
 */
public final class KeyAuthorizer {
    private final Deployment deployment;
    private final PolicyParser parser;
    private final PrincipalDirectory directory;
    private final Clock clock;

    public KeyAuthorizer(Deployment deployment, PolicyParser parser, PrincipalDirectory directory, Clock clock) {
        this.deployment = deployment;
        this.parser = new CachingPolicyParser(parser);
        this.directory = directory;
        this.clock = clock;
    }

    /** Throws AccessDeniedException unless {@code ctx}'s caller may perform {@code action} on {@code key}. */
    void authorize(RequestContext ctx, Action action, KmsKey key, ConditionKeys.Builder conditions) {
        AuthorizationRequest request = request(ctx, action, deployment.keyArn(key), key, conditions);
        Decision decision = decide(ctx, keyPolicyText(key), request);
        if (!decision.allowed()) {
            throw KeyAccess.accessDenied(decision, request, deployment.keyArn(key));
        }
    }

    /** The decision for {@code action} on {@code key} as if its key policy were {@code keyPolicyText}. */
    Decision decide(RequestContext ctx, Action action, KmsKey key, String keyPolicyText, ConditionKeys.Builder conditions) {
        return decide(ctx, keyPolicyText, request(ctx, action, deployment.keyArn(key), key, conditions));
    }

    private Decision decide(RequestContext ctx, String keyPolicyText, AuthorizationRequest request) {
        Policy keyPolicy = parser.parse(keyPolicyText, PolicyKind.KEY);
        return KeyAccess.decide(new NamedPolicy(KeyAccess.KEY_POLICY, keyPolicy), identityPolicies(ctx.principal()), request);
    }

    /**
     * How {@code principal}'s request for {@code action} on {@code key} would be decided, with the given
     * condition keys, for simulate-principal-policy: the same evaluation as {@link #authorize}, nothing thrown.
     */
    Simulation simulate(Principal principal, Action action, KmsKey key, ConditionKeys.Builder conditions) {
        RequestContext ctx = RequestContext.direct(principal, null, null);
        AuthorizationRequest request = request(ctx, action, deployment.keyArn(key), key, conditions);
        return new Simulation(request, decide(ctx, keyPolicyText(key), request));
    }

    /**
     * Account-level actions (CreateKey, ListKeys, ListAliases, GenerateRandom) have no key policy: the
     * account root may, anyone else needs an identity policy that allows and none that denies.
     */
    void authorizeAccountAction(RequestContext ctx, Action action) {
        Principal caller = ctx.principal();
        if (caller.type() == PrincipalType.ROOT) {
            return;
        }
        AuthorizationRequest request = request(ctx, action, "*", null, ConditionKeys.builder());
        boolean allowed = false;
        for (NamedPolicy policy : directory.identityPolicies(caller)) {
            PolicyEvaluation evaluation = PolicyEvaluator.evaluate(policy, request);
            if (!evaluation.applying(Effect.Deny).isEmpty()) {
                allowed = false;
                break;
            }
            allowed |= !evaluation.applying(Effect.Allow).isEmpty();
        }
        if (!allowed) {
            throw new KmsException(ErrorCode.ACCESS_DENIED, "User: " + caller.arn() + " is not authorized to perform: "
                    + action + " on resource: * because no identity-based policy allows the " + action + " action");
        }
    }

    /** The same denial a policy would give, for a key the caller named that does not exist in another account. */
    KmsException deniedUnknownKey(RequestContext ctx, Action action, String keyRefAsNamed) {
        return new KmsException(ErrorCode.ACCESS_DENIED, "User: " + ctx.principal().arn() + " is not authorized to perform: "
                + action + " on resource: " + keyRefAsNamed + " because no policy allows the " + action + " action");
    }

    PrincipalDirectory directory() {
        return directory;
    }

    /** The key's policy text; keys stored before key policies existed have the default one. */
    String keyPolicyText(KmsKey key) {
        return key.policy() != null ? key.policy() : Policies.defaultKeyPolicy(deployment.partition(), key.accountId());
    }

    private List<NamedPolicy> identityPolicies(Principal caller) {
        return caller.type() == PrincipalType.ROOT || caller.type() == PrincipalType.SERVICE
                ? List.of() : directory.identityPolicies(caller);
    }

    private AuthorizationRequest request(RequestContext ctx, Action action, String resource, KmsKey key,
                                         ConditionKeys.Builder conditions) {
        Principal caller = ctx.principal();
        conditions.put(ConditionKeys.CURRENT_TIME, clock.instant().toString());
        if (ctx.viaService() != null) {
            conditions.put(ConditionKeys.VIA_SERVICE, ctx.viaService());
        }
        if (ctx.sourceIp() != null) {
            conditions.put(ConditionKeys.SOURCE_IP, ctx.sourceIp());
        }
        if (key != null) {
            conditions.put(ConditionKeys.KEY_SPEC, key.keySpec().name())
                    .put(ConditionKeys.KEY_USAGE, key.keyUsage().name())
                    .put(ConditionKeys.KEY_ORIGIN, key.origin().name());
        }
        return new AuthorizationRequest(caller.arn(), caller.accountId(), caller.type(), action.name(), resource,
                conditions.build());
    }
}
