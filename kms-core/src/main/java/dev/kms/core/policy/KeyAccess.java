package dev.kms.core.policy;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides a request on a key from its key policy and the caller's identity policies, as
 * kms-reference.md "Authorization" describes: an explicit Deny in any of them wins; otherwise the key
 * policy must allow the caller directly, or allow the caller's account (delegation) while an identity
 * policy of the caller allows the request; otherwise the request is denied. A caller from another account
 * than the key's always needs both layers, even when the key policy names it directly; the account root
 * needs no identity policy, because its account grants it everything.
 */
public final class KeyAccess {
    /** The name explanations use for the key policy. */
    public static final String KEY_POLICY = "key policy";

    private KeyAccess() {
    }

    /**
     * @param keyPolicy        the key's policy (name it {@link #KEY_POLICY} unless you have a better one)
     * @param identityPolicies the caller's identity policies; empty for the root and for service principals
     * @param request          the request; its resource must be the key ARN, which tells the key's account
     */
    public static Decision decide(NamedPolicy keyPolicy, List<NamedPolicy> identityPolicies, AuthorizationRequest request) {
        PolicyEvaluation key = PolicyEvaluator.evaluate(keyPolicy, request);
        List<PolicyEvaluation> evaluations = new ArrayList<>(1 + identityPolicies.size());
        evaluations.add(key);
        for (NamedPolicy identity : identityPolicies) {
            evaluations.add(PolicyEvaluator.evaluate(identity, request));
        }

        List<StatementRef> denies = new ArrayList<>();
        for (PolicyEvaluation evaluation : evaluations) {
            denies.addAll(refs(evaluation.applying(Effect.Deny)));
        }
        if (!denies.isEmpty()) {
            return new Decision(Decision.Outcome.EXPLICIT_DENY, denies, () -> "explicitly denied by " + join(denies), evaluations);
        }

        List<StatementRef> direct = new ArrayList<>();
        List<StatementRef> delegating = new ArrayList<>();
        for (StatementResult allow : key.applying(Effect.Allow)) {
            (allow.principal() == PrincipalMatch.ACCOUNT_DELEGATION ? delegating : direct).add(allow.ref());
        }
        List<StatementRef> identityAllows = new ArrayList<>();
        for (PolicyEvaluation evaluation : evaluations.subList(1, evaluations.size())) {
            identityAllows.addAll(refs(evaluation.applying(Effect.Allow)));
        }
        boolean root = request.principalType() == PrincipalType.ROOT;
        boolean foreign = request.principalType() != PrincipalType.SERVICE
                && !request.principalAccount().equals(Arns.account(request.resource()));
        boolean identityAllowed = root || !identityAllows.isEmpty();

        if (!direct.isEmpty() && (!foreign || identityAllowed)) {
            List<StatementRef> deciding = new ArrayList<>(direct);
            if (foreign) {
                deciding.addAll(identityAllows);
            }
            return new Decision(Decision.Outcome.ALLOW, deciding, () -> "the key policy allows " + what(request) + " ("
                    + join(direct) + ")" + (foreign ? identityReason(root, identityAllows) : ""), evaluations);
        }
        if (!delegating.isEmpty() && identityAllowed) {
            List<StatementRef> deciding = new ArrayList<>(delegating);
            deciding.addAll(identityAllows);
            return new Decision(Decision.Outcome.ALLOW, deciding, () -> "the key policy delegates to account "
                    + request.principalAccount() + " (" + join(delegating) + ")" + identityReason(root, identityAllows),
                    evaluations);
        }
        return new Decision(Decision.Outcome.IMPLICIT_DENY, List.of(),
                () -> implicitDenyReason(request, direct, delegating, identityAllows), evaluations);
    }

    private static String implicitDenyReason(AuthorizationRequest request, List<StatementRef> direct,
                                             List<StatementRef> delegating, List<StatementRef> identityAllows) {
        if (!direct.isEmpty()) {
            return "the key policy allows " + what(request) + " (" + join(direct) + "), but a principal of account "
                    + request.principalAccount() + " also needs an identity policy that allows it, and none does";
        }
        if (!delegating.isEmpty()) {
            return "the key policy delegates to account " + request.principalAccount() + " (" + join(delegating)
                    + "), but no identity policy allows " + what(request);
        }
        if (!identityAllows.isEmpty()) {
            return "an identity policy allows it (" + join(identityAllows) + "), but the key policy allows neither "
                    + request.principalArn() + " nor its account, and an identity policy alone never suffices";
        }
        return "no statement allows " + what(request);
    }

    private static String what(AuthorizationRequest request) {
        return request.principalArn() + " to call " + request.action() + " on " + request.resource();
    }

    /**
     * The AccessDeniedException for a denied request, worded like AWS's: it names the caller and the
     * action, and the key only as the caller named it (no hint whether a key the caller cannot see exists).
     */
    public static KmsException accessDenied(Decision decision, AuthorizationRequest request, String resourceAsNamed) {
        String because = switch (decision.outcome()) {
            case EXPLICIT_DENY -> "with an explicit deny in a " + (decision.deciding().get(0).policyName().equals(KEY_POLICY)
                    ? "resource-based policy" : "identity-based policy");
            case IMPLICIT_DENY -> "because no policy allows the " + request.action() + " action";
            case ALLOW -> throw new IllegalArgumentException("the request was allowed");
        };
        return new KmsException(ErrorCode.ACCESS_DENIED, "User: " + request.principalArn()
                + " is not authorized to perform: " + request.action() + " on resource: " + resourceAsNamed + " " + because);
    }

    private static String identityReason(boolean root, List<StatementRef> identityAllows) {
        return root ? " and the caller is the account root" : " and an identity policy allows it (" + join(identityAllows) + ")";
    }

    private static List<StatementRef> refs(List<StatementResult> results) {
        List<StatementRef> refs = new ArrayList<>(results.size());
        for (StatementResult r : results) {
            refs.add(r.ref());
        }
        return refs;
    }

    private static String join(List<StatementRef> refs) {
        StringBuilder sb = new StringBuilder();
        for (StatementRef ref : refs) {
            sb.append(sb.length() == 0 ? "" : ", ").append(ref);
        }
        return sb.toString();
    }
}
