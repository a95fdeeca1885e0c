package dev.kms.core.policy;

import dev.kms.core.port.PolicyParser;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parses each policy document once: documents are few and immutable, and the hot path evaluates the same
 * ones on every request. The bound only guards memory; past it the cache starts over.
 */
public final class CachingPolicyParser implements PolicyParser {
    private static final int MAX_CACHED = 10_000;

    private final PolicyParser parser;
    private final Map<PolicyKind, Map<String, Policy>> parsed = new ConcurrentHashMap<>();

    public CachingPolicyParser(PolicyParser parser) {
        this.parser = parser;
    }

    @Override
    public Policy parse(String document, PolicyKind kind) {
        Map<String, Policy> ofKind = parsed.computeIfAbsent(kind, k -> new ConcurrentHashMap<>());
        Policy policy = ofKind.get(document);
        if (policy == null) {
            policy = parser.parse(document, kind);
            if (ofKind.size() >= MAX_CACHED) {
                ofKind.clear();
            }
            ofKind.put(document, policy);
        }
        return policy;
    }
}
