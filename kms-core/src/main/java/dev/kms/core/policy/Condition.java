package dev.kms.core.policy;

import java.util.List;
import java.util.Objects;

/**
 * One condition of a statement: operator (with its ForAnyValue/ForAllValues qualifier and IfExists
 * suffix), a condition key and the policy values, which are OR-ed. Key names are case-insensitive.
 */
public record Condition(ConditionOperator operator, Qualifier qualifier, boolean ifExists, String key,
                        List<String> values) {

    /** The set operator prefix for multivalued keys such as kms:EncryptionContextKeys. */
    public enum Qualifier {
        NONE(""),
        FOR_ANY_VALUE("ForAnyValue:"),
        FOR_ALL_VALUES("ForAllValues:");

        private final String prefix;

        Qualifier(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    public Condition {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(qualifier, "qualifier");
        Objects.requireNonNull(key, "key");
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a condition needs at least one value");
        }
        if (operator == ConditionOperator.Null && (qualifier != Qualifier.NONE || ifExists)) {
            throw new IllegalArgumentException("Null takes neither a qualifier nor IfExists");
        }
    }

    /** The operator as written in a document, e.g. {@code ForAllValues:StringLikeIfExists}. */
    public String operatorName() {
        return qualifier.prefix() + operator.name() + (ifExists ? "IfExists" : "");
    }
}
