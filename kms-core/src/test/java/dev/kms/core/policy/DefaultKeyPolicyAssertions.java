package dev.kms.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What each policy reader (TestJson here, JsonPolicyParser in kms-api) must make of AWS's default key policy. */
public final class DefaultKeyPolicyAssertions {
    private DefaultKeyPolicyAssertions() {
    }

    /** Asserts the version, the id and the first statement's sid and effect; returns that statement for more checks. */
    public static Statement assertVersionIdAndFirstStatement(Policy defaultKeyPolicy) {
        assertEquals("2012-10-17", defaultKeyPolicy.version());
        assertEquals("key-default-1", defaultKeyPolicy.id());
        Statement statement = defaultKeyPolicy.statements().get(0);
        assertEquals("Enable IAM User Permissions", statement.sid());
        assertEquals(Effect.Allow, statement.effect());
        return statement;
    }
}
