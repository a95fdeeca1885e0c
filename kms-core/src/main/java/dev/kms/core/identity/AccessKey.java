package dev.kms.core.identity;

import java.time.Instant;
import java.util.Objects;

/**
 * An access key as stored: the 20-character id, whose credential it is, the secret only in protected form,
 * its status and creation date. Temporary keys ({@code ASIA...}, owned by a role session) also carry the
 * SHA-256 of their session token (hex) and their expiry; a user's or a service's keys ({@code AKIA...}) carry
 * neither.
 */
public record AccessKey(String accessKeyId, String accountId, CredentialOwner owner, ProtectedSecret secret,
                        AccessKeyStatus status, Instant created, String sessionTokenHash, Instant expiration) {
    public AccessKey {
        IamNames.requireAccountId(accountId);
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(created, "created");
        boolean temporary = owner instanceof CredentialOwner.RoleSession;
        if (!IamNames.isAccessKeyId(accessKeyId)
                || !accessKeyId.startsWith(temporary ? IamNames.TEMPORARY_KEY_PREFIX : IamNames.USER_KEY_PREFIX)) {
            throw new IllegalArgumentException("accessKeyId must be " + (temporary ? "ASIA" : "AKIA")
                    + " followed by 16 uppercase letters or digits");
        }
        if (temporary != (sessionTokenHash != null) || temporary != (expiration != null)) {
            throw new IllegalArgumentException("a role session's key, and only it, has a session token hash and an expiration");
        }
    }

    /** A user's long-term key. */
    public static AccessKey forUser(String accessKeyId, String accountId, String userName, ProtectedSecret secret,
                                    AccessKeyStatus status, Instant created) {
        return new AccessKey(accessKeyId, accountId, new CredentialOwner.UserOwner(userName), secret, status, created,
                null, null);
    }

    /** An integrated service's long-term key. */
    public static AccessKey forService(String accessKeyId, String accountId, String serviceName, ProtectedSecret secret,
                                       AccessKeyStatus status, Instant created) {
        return new AccessKey(accessKeyId, accountId, new CredentialOwner.ServiceOwner(serviceName), secret, status,
                created, null, null);
    }

    /** A role session's temporary key, active until {@code expiration}. */
    public static AccessKey forSession(String accessKeyId, String accountId, CredentialOwner.RoleSession session,
                                       ProtectedSecret secret, Instant created, String sessionTokenHash,
                                       Instant expiration) {
        return new AccessKey(accessKeyId, accountId, session, secret, AccessKeyStatus.Active, created,
                Objects.requireNonNull(sessionTokenHash, "sessionTokenHash"), Objects.requireNonNull(expiration, "expiration"));
    }

    public boolean temporary() {
        return owner instanceof CredentialOwner.RoleSession;
    }

    public AccessKey withStatus(AccessKeyStatus newStatus) {
        return new AccessKey(accessKeyId, accountId, owner, secret, newStatus, created, sessionTokenHash, expiration);
    }
}
