package dev.kms.core.identity;

import dev.kms.core.policy.NamedPolicy;
import dev.kms.core.policy.PrincipalType;
import dev.kms.core.service.PrincipalDirectory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link PrincipalDirectory} of a deployment with users and roles: identity policies from the
 * {@link Authenticator}, existence from {@link IamService#exists}. Identity policies are read on every key
 * operation of a non-root caller, so each principal's list is kept for {@code ttl}: a changed policy takes
 * effect within that time on a long-running node, as IAM's changes propagate after a short delay.
 */
public final class IdentityDirectory implements PrincipalDirectory {
    /**
     * How stale a node's copy of a principal's identity policies may be: every node uses this bound, so a
     * changed or added policy (a Deny included) is in force on every node within it. AWS IAM documents its own
     * changes as eventually consistent, typically within seconds; README, Security notes, names this bound.
     */
    public static final Duration POLICY_STALENESS = Duration.ofSeconds(5);

    /** Bounds memory only; at the bound the whole cache is dropped, which costs one store read per principal. */
    private static final int MAX_CACHED = 10_000;

    private final IdentityServices identity;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** {@code ttl} zero reads the store every time. */
    public IdentityDirectory(IdentityServices identity, Clock clock, Duration ttl) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative");
        }
        this.ttl = ttl;
    }

    @Override
    public List<NamedPolicy> identityPolicies(Principal principal) {
        if (principal.type() != PrincipalType.USER && principal.type() != PrincipalType.ASSUMED_ROLE) {
            return List.of();
        }
        if (ttl.isZero()) {
            return identity.authenticator().identityPolicies(principal);
        }
        Instant now = clock.instant();
        String key = principal.type() + " " + principal.arn();
        Cached cached = cache.get(key);
        if (cached != null && now.isBefore(cached.expires())) {
            return cached.policies();
        }
        List<NamedPolicy> policies = identity.authenticator().identityPolicies(principal);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(key, new Cached(policies, now.plus(ttl)));
        return policies;
    }

    @Override
    public boolean exists(String principalArn) {
        return identity.iam().exists(principalArn);
    }

    private record Cached(List<NamedPolicy> policies, Instant expires) {
    }
}
