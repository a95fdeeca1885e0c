package dev.kms.core.policy;

import java.util.ArrayList;
import java.util.List;

/** The result of one policy against one request: one {@link StatementResult} per statement, in order. */
public record PolicyEvaluation(String policyName, List<StatementResult> statements) {
    public PolicyEvaluation {
        statements = List.copyOf(statements);
    }

    /** The statements with this effect that apply to the request. */
    public List<StatementResult> applying(Effect effect) {
        List<StatementResult> result = new ArrayList<>();
        for (StatementResult s : statements) {
            if (s.effect() == effect && s.applies()) {
                result.add(s);
            }
        }
        return result;
    }
}
