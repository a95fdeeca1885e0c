package dev.kms.core.policy;

import java.util.List;

/** How one statement fared against a request: each of principal, action, resource and condition. */
public record StatementResult(StatementRef ref, Effect effect, PrincipalMatch principal, boolean actionMatched,
                              boolean resourceMatched, List<ConditionResult> conditions) {

    /** One condition and whether the request satisfied it. */
    public record ConditionResult(Condition condition, boolean matched) {
    }

    public StatementResult {
        conditions = List.copyOf(conditions);
    }

    public boolean conditionsMatched() {
        for (ConditionResult c : conditions) {
            if (!c.matched()) {
                return false;
            }
        }
        return true;
    }

    /** True when every element matched, so the statement's effect applies to the request. */
    public boolean applies() {
        return principal != PrincipalMatch.NO_MATCH && actionMatched && resourceMatched && conditionsMatched();
    }
}
