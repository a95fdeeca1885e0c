package dev.kms.server;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.Authenticator;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.Secret;
import dev.kms.server.AuthError.Code;

import java.util.Objects;

/** The access keys of the identity services, for {@link SigV4Verifier}: Authenticator refusals become AWS names. */
public final class AuthenticatorCredentials implements CredentialLookup {
    static final String INVALID_TOKEN = "The security token included in the request is invalid.";
    static final String EXPIRED_TOKEN = "The security token included in the request is expired";

    private final Authenticator authenticator;

    public AuthenticatorCredentials(Authenticator authenticator) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    }

    @Override
    public Principal principalOf(String accessKeyId, String sessionToken) {
        try {
            return authenticator.principalOf(accessKeyId, sessionToken);
        } catch (KmsException e) {
            throw translate(e);
        }
    }

    @Override
    public char[] secretOf(String accessKeyId) {
        try (Secret secret = authenticator.revealSecret(accessKeyId)) {
            return secret.chars().clone();
        } catch (KmsException e) {
            throw translate(e);
        }
    }

    /** The Authenticator says AccessDenied with AWS's wording; the wire wants the AWS name of that wording. */
    private static RuntimeException translate(KmsException e) {
        if (e.code() != ErrorCode.ACCESS_DENIED) {
            return e;
        }
        if (e.getMessage() != null && e.getMessage().startsWith(EXPIRED_TOKEN)) {
            return new AuthError(Code.EXPIRED_TOKEN, EXPIRED_TOKEN);
        }
        return new AuthError(Code.UNRECOGNIZED_CLIENT, INVALID_TOKEN);
    }
}
