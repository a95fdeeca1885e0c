package dev.kms.core.policy;

import java.util.List;
import java.util.Objects;

/** A parsed, validated policy document: Version, optional Id and at least one statement. */
public record Policy(String version, String id, List<Statement> statements) {
    public static final String VERSION_2012_10_17 = "2012-10-17";
    public static final String VERSION_2008_10_17 = "2008-10-17";
    /** The size limit of a key policy document, in characters (32 KB). */
    public static final int MAX_DOCUMENT_CHARS = 32_768;

    public Policy {
        Objects.requireNonNull(version, "version");
        statements = List.copyOf(statements);
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("a policy needs at least one statement");
        }
    }
}
