package dev.kms.server;

import dev.kms.core.error.KmsException;
import dev.kms.core.identity.Authenticator;
import dev.kms.core.identity.CredentialsRefused;
import dev.kms.core.identity.Principal;
import dev.kms.core.secret.Secret;
import dev.kms.wire.CredentialLookup;
import dev.kms.wire.SigV4Verifier;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The access keys of the identity services, for {@link SigV4Verifier}: Authenticator refusals become AWS names.
 *
 * <p>An accepted key's principal is reused for {@link #PRINCIPAL_TTL} without reading the identity store again, so a
 * server's requests do not each read SQLite: a key deleted or made inactive, a user or role removed, or a session
 * that expires keeps working on a running server for at most that long (IAM changes are eventually consistent in
 * AWS too). Refusals are never cached, and a cached key must come with the same session token it was accepted with.
 */
public final class AuthenticatorCredentials implements CredentialLookup {
    /** How long an accepted access key's principal is reused before the identity store is asked again. */
    public static final Duration PRINCIPAL_TTL = Duration.ofSeconds(1);
    /** A bound on the keys remembered; past it the cache is emptied and refills from the next requests. */
    private static final int MAX_CACHED = 4096;

    private final Authenticator authenticator;
    private final Clock clock;
    private final long ttlMillis;
    private final Map<String, Accepted> accepted = new ConcurrentHashMap<>();

    /** Reuses accepted principals for {@link #PRINCIPAL_TTL}. */
    public AuthenticatorCredentials(Authenticator authenticator) {
        this(authenticator, Clock.systemUTC(), PRINCIPAL_TTL);
    }

    /** Reuses accepted principals for {@code ttl} of {@code clock}; zero asks the identity store every time. */
    public AuthenticatorCredentials(Authenticator authenticator, Clock clock, Duration ttl) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative");
        }
        this.ttlMillis = ttl.toMillis();
    }

    /**
     * A principal the identity store gave for a key and session token, and the clock's window of its reuse. The
     * token is kept as its SHA-256 digest: enough to recognise it, and no copy of the secret in the cache.
     */
    private record Accepted(Principal principal, byte[] sessionTokenDigest, long since, long until) {
        boolean answers(String token, long now) {
            return now >= since && now < until && (token == null ? sessionTokenDigest == null
                    : sessionTokenDigest != null && MessageDigest.isEqual(sessionTokenDigest, digest(token)));
        }
    }

    @Override
    public Principal principalOf(String accessKeyId, String sessionToken) {
        long now = clock.millis();
        Accepted cached = accepted.get(accessKeyId);
        if (cached != null && cached.answers(sessionToken, now)) {
            return cached.principal();
        }
        Principal principal;
        try {
            principal = authenticator.principalOf(accessKeyId, sessionToken);
        } catch (KmsException e) {
            accepted.remove(accessKeyId);
            throw translate(e);
        }
        if (ttlMillis > 0) {
            if (accepted.size() >= MAX_CACHED) {
                accepted.clear();
            }
            accepted.put(accessKeyId, new Accepted(principal, sessionToken == null ? null : digest(sessionToken), now,
                    now + ttlMillis));
        }
        return principal;
    }

    @Override
    public char[] secretOf(String accessKeyId) {
        try (Secret secret = authenticator.revealSecret(accessKeyId)) {
            return secret.chars().clone();
        } catch (KmsException e) {
            throw translate(e);
        }
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A local caller's AccessDenied becomes the SigV4 refusal it stands for, with the same wording. */
    private static RuntimeException translate(KmsException e) {
        if (e instanceof CredentialsRefused refused) {
            return new KmsException(refused.reason().sigV4Code(), refused.getMessage());
        }
        return e;
    }
}
