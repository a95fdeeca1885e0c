package dev.kms.core.service;

import dev.kms.core.policy.AuthorizationRequest;
import dev.kms.core.policy.Decision;
import dev.kms.core.policy.PolicyEvaluation;
import dev.kms.core.policy.PrincipalMatch;
import dev.kms.core.policy.StatementResult;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/** What simulate-principal-policy reports: the request as evaluated and the decision with every statement's result. */
public record Simulation(AuthorizationRequest request, Decision decision) {
    public Simulation {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(decision, "decision");
    }

    /**
     * The condition keys that statements otherwise matching the request (principal, action and resource) test
     * but the request lacks, in name order: supplying them may change the decision (IAM's MissingContextValues).
     */
    public List<String> missingContextValues() {
        TreeSet<String> missing = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (PolicyEvaluation evaluation : decision.evaluations()) {
            for (StatementResult statement : evaluation.statements()) {
                if (statement.principal() == PrincipalMatch.NO_MATCH || !statement.actionMatched()
                        || !statement.resourceMatched()) {
                    continue;
                }
                for (StatementResult.ConditionResult condition : statement.conditions()) {
                    if (request.values(condition.condition().key()).isEmpty()) {
                        missing.add(condition.condition().key());
                    }
                }
            }
        }
        return List.copyOf(missing);
    }
}
