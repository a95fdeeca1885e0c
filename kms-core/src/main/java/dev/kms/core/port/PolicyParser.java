package dev.kms.core.port;

import dev.kms.core.policy.Policy;
import dev.kms.core.policy.PolicyKind;

/**
 * Port: reads a policy document's text into a validated {@link Policy}. Implementations throw
 * {@code KmsException(MALFORMED_POLICY_DOCUMENT)} with a message that names what is wrong and where,
 * and leave the rules themselves to {@link PolicyDocuments}.
 */
public interface PolicyParser {
    Policy parse(String document, PolicyKind kind);
}
