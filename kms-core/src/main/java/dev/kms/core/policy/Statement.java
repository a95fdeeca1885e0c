package dev.kms.core.policy;

import java.util.List;
import java.util.Objects;

/**
 * One statement of a policy. {@code principal} is null in identity policies; {@code resources} is null
 * when the document has neither Resource nor NotResource (a key or trust policy meaning "this resource").
 */
public record Statement(String sid, Effect effect, PrincipalSpec principal, Patterns actions, Patterns resources,
                        List<Condition> conditions) {
    public Statement {
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(actions, "actions");
        conditions = List.copyOf(conditions);
    }
}
