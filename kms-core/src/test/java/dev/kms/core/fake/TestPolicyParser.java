package dev.kms.core.fake;

import dev.kms.core.policy.Policy;
import dev.kms.core.policy.PolicyKind;
import dev.kms.core.policy.TestJson;
import dev.kms.core.port.PolicyParser;

/** The policy parser of kms-core's tests, which may not use a JSON library; kms-api has the real one. */
public final class TestPolicyParser implements PolicyParser {
    @Override
    public Policy parse(String document, PolicyKind kind) {
        return TestJson.policy(document, kind);
    }
}
