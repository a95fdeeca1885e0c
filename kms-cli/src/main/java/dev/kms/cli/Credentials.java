package dev.kms.cli;

import dev.kms.core.identity.Authenticator;
import dev.kms.core.identity.Principal;
import dev.kms.core.secret.Secret;
import dev.kms.wire.SigV4Signer;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An access key the CLI was given (key id, secret, optional session token) and where it came from. The secret
 * is a {@link Secret} that {@link #close()} destroys; nothing here prints it.
 */
public final class Credentials implements AutoCloseable {
    static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";
    static final String PROFILE = "AWS_PROFILE";
    static final String SERVICE_ACCESS_KEY_ID = "KMS_SERVICE_ACCESS_KEY_ID";
    static final String SERVICE_SECRET_ACCESS_KEY = "KMS_SERVICE_SECRET_ACCESS_KEY";

    private final String accessKeyId;
    private final Secret secret;
    private final String sessionToken;
    private final String source;

    /** Takes ownership of {@code secret}. */
    Credentials(String accessKeyId, char[] secret, String sessionToken, String source) {
        this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
        this.secret = Secret.adopt(Objects.requireNonNull(secret, "secret"));
        this.sessionToken = sessionToken;
        this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * The caller's credentials as the AWS CLI finds them: {@code --profile}; else AWS_ACCESS_KEY_ID and
     * AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN); else AWS_PROFILE; else none (null), and the local
     * operator acts as the account root. The default profile is never used implicitly: ~/.aws usually holds
     * real AWS keys, which this service does not know.
     */
    static Credentials caller(String profile, Map<String, String> env) {
        if (profile != null) {
            return Profiles.read(profile, env);
        }
        Credentials fromEnv = fromEnv(env, ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, "environment");
        if (fromEnv != null) {
            return fromEnv;
        }
        String envProfile = env.get(PROFILE);
        return envProfile == null || envProfile.isBlank() ? null : Profiles.read(envProfile, env);
    }

    /**
     * The credentials of an integrated service calling on the caller's behalf: {@code --service-profile}, else
     * KMS_SERVICE_ACCESS_KEY_ID and KMS_SERVICE_SECRET_ACCESS_KEY; null when neither is given. A service's key
     * is long-term, so there is no session token.
     */
    static Credentials service(String serviceProfile, Map<String, String> env) {
        if (serviceProfile != null) {
            return Profiles.read(serviceProfile, env);
        }
        return fromEnv(env, SERVICE_ACCESS_KEY_ID, SERVICE_SECRET_ACCESS_KEY, null, "service environment");
    }

    private static Credentials fromEnv(Map<String, String> env, String idVar, String secretVar, String tokenVar,
                                       String source) {
        String id = blankToNull(env.get(idVar));
        String secret = blankToNull(env.get(secretVar));
        if (id == null && secret == null) {
            return null;
        }
        if (id == null || secret == null) {
            throw new CliException("Partial credentials found in env, missing: " + (id == null ? idVar : secretVar));
        }
        return new Credentials(id, secret.toCharArray(), tokenVar == null ? null : blankToNull(env.get(tokenVar)), source);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** The principal these credentials belong to; AccessDeniedException (AWS's wording) when they are refused. */
    Principal authenticate(Authenticator authenticator) {
        return authenticator.authenticate(accessKeyId, secret.chars(), sessionToken);
    }

    /** The headers that sign a request with these credentials (SigV4, remote mode); the secret stays in here. */
    public Map<String, String> sign(SigV4Signer signer, String method, URI uri, Map<String, String> headers,
                                    byte[] body, Instant now) {
        return signer.sign(method, uri, headers, body, accessKeyId, secret.chars(), sessionToken, now);
    }

    String accessKeyId() {
        return accessKeyId;
    }

    /** Where they came from, e.g. {@code profile alice} or {@code environment}; never the values. */
    String source() {
        return source;
    }

    @Override
    public void close() {
        secret.destroy();
    }

    @Override
    public String toString() {
        return "Credentials[" + accessKeyId + " from " + source + "]";
    }
}
