package dev.kms.wire;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.Principal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Access keys held in a map, for tests; counts secret look-ups so that the signing-key cache can be observed. */
public final class MapCredentials implements CredentialLookup {
    private final Map<String, Principal> principals = new ConcurrentHashMap<>();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    final AtomicInteger secretLookups = new AtomicInteger();
    volatile char[] lastSecretHandedOut;

    public MapCredentials add(String accessKeyId, String secret, Principal principal) {
        principals.put(accessKeyId, principal);
        secrets.put(accessKeyId, secret);
        return this;
    }

    @Override
    public Principal principalOf(String accessKeyId, String sessionToken) {
        Principal principal = principals.get(accessKeyId);
        if (principal == null || sessionToken != null) {
            throw new KmsException(ErrorCode.UNRECOGNIZED_CLIENT, "The security token included in the request is invalid.");
        }
        return principal;
    }

    @Override
    public char[] secretOf(String accessKeyId) {
        secretLookups.incrementAndGet();
        char[] secret = secrets.get(accessKeyId).toCharArray();
        lastSecretHandedOut = secret;
        return secret;
    }
}
