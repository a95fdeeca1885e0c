package dev.kms.core.policy;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The outcome of authorizing one request, the statements that decided it (empty for an implicit deny),
 * a one-sentence reason, and every policy's statement-by-statement evaluation for simulate-principal-policy.
 * The reason is worded only when asked for: the hot path needs the outcome, not the prose.
 */
public final class Decision {

    public enum Outcome {
        ALLOW,
        /** A Deny statement of some policy applies; nothing can override it. */
        EXPLICIT_DENY,
        /** No combination of Allow statements suffices: the default. */
        IMPLICIT_DENY
    }

    private final Outcome outcome;
    private final List<StatementRef> deciding;
    private final List<PolicyEvaluation> evaluations;
    private final Supplier<String> reason;

    Decision(Outcome outcome, List<StatementRef> deciding, Supplier<String> reason, List<PolicyEvaluation> evaluations) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.deciding = List.copyOf(deciding);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.evaluations = List.copyOf(evaluations);
    }

    public Outcome outcome() {
        return outcome;
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOW;
    }

    /** The deciding statements: the applying Denies, or the Allows that together allow; empty for an implicit deny. */
    public List<StatementRef> deciding() {
        return deciding;
    }

    /** One sentence saying why, naming the statements, e.g. for simulate-principal-policy and logs. */
    public String reason() {
        return reason.get();
    }

    /** Every policy's statement-by-statement result, key policy first. */
    public List<PolicyEvaluation> evaluations() {
        return evaluations;
    }

    @Override
    public String toString() {
        return outcome + ": " + reason();
    }
}
