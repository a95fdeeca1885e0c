package dev.kms.core.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates one policy against one request, statement by statement, with IAM's matching rules
 * (kms-reference.md, "Authorization"). Stateless and allocation-light: safe to call from any thread on
 * the hot path. Combining the key policy with identity policies is {@link KeyAccess}'s job.
 */
public final class PolicyEvaluator {
    private PolicyEvaluator() {
    }

    public static PolicyEvaluation evaluate(NamedPolicy policy, AuthorizationRequest request) {
        List<Statement> statements = policy.policy().statements();
        List<StatementResult> results = new ArrayList<>(statements.size());
        for (int i = 0; i < statements.size(); i++) {
            Statement s = statements.get(i);
            List<StatementResult.ConditionResult> conditions = new ArrayList<>(s.conditions().size());
            for (Condition c : s.conditions()) {
                conditions.add(new StatementResult.ConditionResult(c, conditionHolds(c, request)));
            }
            results.add(new StatementResult(new StatementRef(policy.name(), i, s.sid()), s.effect(),
                    principal(s.principal(), s.effect(), request),
                    matchesAny(s.actions(), request.action(), true),
                    s.resources() == null || matchesAny(s.resources(), request.resource(), false),
                    conditions));
        }
        return new PolicyEvaluation(policy.name(), results);
    }

    /** Actions compare case-insensitively, resources case-sensitively; Not... inverts the element. */
    private static boolean matchesAny(Patterns patterns, String value, boolean ignoreCase) {
        boolean any = false;
        for (String pattern : patterns.values()) {
            if (Wildcards.matches(pattern, value, ignoreCase)) {
                any = true;
                break;
            }
        }
        return any != patterns.negated();
    }

    static PrincipalMatch principal(PrincipalSpec spec, Effect effect, AuthorizationRequest request) {
        if (spec == null) {
            return PrincipalMatch.IMPLIED;
        }
        if (spec.negated()) {
            return notPrincipal(spec, effect, request);
        }
        PrincipalMatch best = PrincipalMatch.NO_MATCH;
        if (request.principalType() == PrincipalType.SERVICE) {
            for (String service : spec.services()) {
                if (service.equals(request.principalArn())) {
                    return PrincipalMatch.CALLER;
                }
            }
            return spec.aws().contains("*") ? PrincipalMatch.CALLER : PrincipalMatch.NO_MATCH;
        }
        for (String entry : spec.aws()) {
            if (entry.equals("*")) {
                return PrincipalMatch.CALLER;
            }
            if (namesAccount(entry, request)) {
                // The root is the account: naming the account names it directly. Anyone else in the
                // account is reached only through delegation to identity policies.
                if (request.principalType() == PrincipalType.ROOT) {
                    return PrincipalMatch.CALLER;
                }
                best = PrincipalMatch.ACCOUNT_DELEGATION;
            } else if (entry.equals(request.principalArn()) || namesSessionRole(entry, request)) {
                return PrincipalMatch.CALLER;
            }
        }
        return best;
    }

    /**
     * IAM checks every identity of the caller (session, role, account) against NotPrincipal. A Deny
     * spares the caller only when all of them are listed; an Allow reaches the caller only when none is.
     * Both err toward denying, which is the safe side for an element AWS itself warns against.
     */
    private static PrincipalMatch notPrincipal(PrincipalSpec spec, Effect effect, AuthorizationRequest request) {
        List<Boolean> listed = new ArrayList<>(3);
        boolean everyone = spec.aws().contains("*");
        if (request.principalType() == PrincipalType.SERVICE) {
            listed.add(everyone || spec.services().contains(request.principalArn()));
        } else {
            boolean account = everyone;
            boolean self = everyone;
            boolean role = everyone;
            for (String entry : spec.aws()) {
                account |= namesAccount(entry, request);
                self |= entry.equals(request.principalArn());
                role |= namesSessionRole(entry, request);
            }
            listed.add(account);
            if (request.principalType() != PrincipalType.ROOT) {
                listed.add(self);
            }
            if (request.principalType() == PrincipalType.ASSUMED_ROLE) {
                listed.add(role);
            }
        }
        boolean excluded = effect == Effect.Deny ? !listed.contains(false) : listed.contains(true);
        return excluded ? PrincipalMatch.NO_MATCH : PrincipalMatch.CALLER;
    }

    private static boolean namesAccount(String entry, AuthorizationRequest request) {
        if (Arns.isAccountId(entry)) {
            return entry.equals(request.principalAccount());
        }
        return Arns.isRootArn(entry) && request.principalAccount().equals(Arns.account(entry))
                && Arns.partition(entry).equals(Arns.partition(request.principalArn()));
    }

    /** A statement naming {@code arn:P:iam::A:role/R} covers the sessions {@code arn:P:sts::A:assumed-role/R/*}. */
    private static boolean namesSessionRole(String entry, AuthorizationRequest request) {
        if (request.principalType() != PrincipalType.ASSUMED_ROLE) {
            return false;
        }
        String role = Arns.roleName(entry);
        return role != null && role.equals(Arns.sessionRoleName(request.principalArn()))
                && request.principalAccount().equals(Arns.account(entry))
                && Arns.partition(entry).equals(Arns.partition(request.principalArn()));
    }

    /**
     * IAM condition semantics: a missing key makes ...IfExists and ForAllValues true (the documented
     * pitfall), ForAnyValue false, a negated operator true and any other operator false. Several policy
     * values are OR-ed; a negated operator holds when no value matches.
     */
    static boolean conditionHolds(Condition condition, AuthorizationRequest request) {
        List<String> present = request.values(condition.key());
        boolean missing = present.isEmpty();
        ConditionOperator operator = condition.operator();
        if (operator == ConditionOperator.Null) {
            for (String v : condition.values()) {
                if (v.equalsIgnoreCase("true") == missing) {
                    return true;
                }
            }
            return false;
        }
        if (missing) {
            if (condition.ifExists()) {
                return true;
            }
            return switch (condition.qualifier()) {
                case FOR_ALL_VALUES -> true;
                case FOR_ANY_VALUE -> false;
                case NONE -> operator.negated();
            };
        }
        boolean all = condition.qualifier() == Condition.Qualifier.FOR_ALL_VALUES
                || condition.qualifier() == Condition.Qualifier.NONE && operator.negated();
        for (String requestValue : present) {
            boolean holds = valueHolds(operator, requestValue, condition.values());
            if (all && !holds) {
                return false;
            }
            if (!all && holds) {
                return true;
            }
        }
        return all;
    }

    private static boolean valueHolds(ConditionOperator operator, String requestValue, List<String> policyValues) {
        for (String policyValue : policyValues) {
            if (operator.positiveMatch(requestValue, policyValue)) {
                return !operator.negated();
            }
        }
        return operator.negated();
    }
}
