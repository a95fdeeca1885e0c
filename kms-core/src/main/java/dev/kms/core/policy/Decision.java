package dev.kms.core.policy;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of authorizing one request, the statements that decided it (empty for an implicit deny),
 * a one-sentence reason, and every policy's statement-by-statement evaluation for simulate-principal-policy.
 */
public record Decision(Outcome outcome, List<StatementRef> deciding, String reason, List<PolicyEvaluation> evaluations) {

    public enum Outcome {
        ALLOW,
        /** A Deny statement of some policy applies; nothing can override it. */
        EXPLICIT_DENY,
        /** No combination of Allow statements suffices: the default. */
        IMPLICIT_DENY
    }

    public Decision {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        deciding = List.copyOf(deciding);
        evaluations = List.copyOf(evaluations);
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOW;
    }
}
