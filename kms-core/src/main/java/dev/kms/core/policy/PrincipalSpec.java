package dev.kms.core.policy;

import java.util.List;

/**
 * A Principal or NotPrincipal element. {@code aws} holds "*", 12-digit account ids and IAM/STS ARNs;
 * {@code services} holds service principal names. {@code "Principal": "*"} is {@code aws = ["*"]}.
 */
public record PrincipalSpec(boolean negated, List<String> aws, List<String> services) {
    public PrincipalSpec {
        aws = List.copyOf(aws);
        services = List.copyOf(services);
        if (aws.isEmpty() && services.isEmpty()) {
            throw new IllegalArgumentException("a principal element names at least one principal");
        }
    }
}
