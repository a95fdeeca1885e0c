package dev.kms.core.policy;

import java.util.List;

/** An Action/NotAction or Resource/NotResource element: wildcard patterns ({@code *}, {@code ?}), maybe negated. */
public record Patterns(boolean negated, List<String> values) {
    public Patterns {
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a pattern element holds at least one pattern");
        }
    }
}
