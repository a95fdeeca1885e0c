package dev.kms.core.identity;

import dev.kms.core.model.Deployment;
import dev.kms.core.policy.NamedPolicy;
import dev.kms.core.policy.PrincipalType;
import dev.kms.core.port.IdentityStore;
import dev.kms.core.port.PolicyParser;
import dev.kms.core.secret.Secret;

import java.security.MessageDigest;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * Turns credentials into the {@link Principal} they belong to, and tells the authorization engine which
 * identity policies that principal has. Refusals are {@link CredentialsRefused}.
 */
public final class Authenticator {

    private final Deployment deployment;
    private final IdentityStore store;
    private final SecretProtector protector;
    private final IdentityPolicies identityPolicies;
    private final Clock clock;

    public Authenticator(Deployment deployment, IdentityStore store, SecretProtector protector, PolicyParser parser,
                         Clock clock) {
        this.deployment = deployment;
        this.store = store;
        this.protector = protector;
        this.identityPolicies = new IdentityPolicies(store, parser);
        this.clock = clock;
    }

    /**
     * The principal whose key {@code accessKeyId} is, if {@code secret} is its secret (compared in constant
     * time) and, for a temporary key, {@code sessionToken} its session token; null for a user's key.
     */
    public Principal authenticate(String accessKeyId, char[] secret, String sessionToken) {
        Resolved resolved = resolve(accessKeyId, sessionToken);
        byte[] given = secret == null ? new byte[0] : SecretProtector.utf8(secret);
        byte[] expected = null;
        try (Secret stored = protector.reveal(resolved.key().accessKeyId(), resolved.key().secret())) {
            expected = SecretProtector.utf8(stored.chars());
            if (!MessageDigest.isEqual(expected, given)) {
                throw new CredentialsRefused(CredentialsRefused.Reason.BAD_SIGNATURE);
            }
            return resolved.principal();
        } finally {
            Arrays.fill(given, (byte) 0);
            if (expected != null) {
                Arrays.fill(expected, (byte) 0);
            }
        }
    }

    /**
     * The principal of a key that may be used now (it exists, is active, is not expired, and a temporary key's
     * session token matches), without checking a secret: a SigV4 verifier calls this, then checks the
     * signature with {@link #revealSecret}.
     */
    public Principal principalOf(String accessKeyId, String sessionToken) {
        return resolve(accessKeyId, sessionToken).principal();
    }

    /**
     * The secret of a key, for a SigV4 verifier that must recompute signatures with it; the caller destroys it
     * as soon as it has. Says nothing about whether the key may be used: call {@link #principalOf} for that.
     */
    public Secret revealSecret(String accessKeyId) {
        if (!IamNames.isAccessKeyId(accessKeyId)) {
            throw new CredentialsRefused(CredentialsRefused.Reason.INVALID_TOKEN);
        }
        AccessKey key = store.findAccessKey(accessKeyId)
                .orElseThrow(() -> new CredentialsRefused(CredentialsRefused.Reason.INVALID_TOKEN));
        return protector.reveal(accessKeyId, key.secret());
    }

    /**
     * The identity policies of a principal, for the authorization engine: a user's inline policies, a role
     * session's role's; none for the account root, a service, or a principal that no longer exists. Only the
     * principal's type and ARN are read.
     */
    public List<NamedPolicy> identityPolicies(Principal principal) {
        if (principal.type() != PrincipalType.USER && principal.type() != PrincipalType.ASSUMED_ROLE) {
            return List.of();
        }
        return identityPolicies.of(principal.arn(), principal.type());
    }

    private Resolved resolve(String accessKeyId, String sessionToken) {
        if (!IamNames.isAccessKeyId(accessKeyId)) {
            throw new CredentialsRefused(CredentialsRefused.Reason.INVALID_TOKEN);
        }
        AccessKey key = store.findAccessKey(accessKeyId).orElse(null);
        if (key == null || key.status() != AccessKeyStatus.Active) {
            throw new CredentialsRefused(CredentialsRefused.Reason.INVALID_TOKEN);
        }
        if (key.owner() instanceof CredentialOwner.RoleSession session) {
            // The token is checked before the expiry, so only its holder learns that a session has expired.
            if (!CredentialMint.hashMatches(sessionToken, key.sessionTokenHash())) {
                throw new CredentialsRefused(CredentialsRefused.Reason.INVALID_TOKEN);
            }
            if (!clock.instant().isBefore(key.expiration())) {
                throw new CredentialsRefused(CredentialsRefused.Reason.EXPIRED_TOKEN);
            }
            return new Resolved(key, sessionPrincipal(key, session));
        }
        if (sessionToken != null) {
            throw new CredentialsRefused(CredentialsRefused.Reason.INVALID_TOKEN);
        }
        if (key.owner() instanceof CredentialOwner.ServiceOwner owner) {
            ServicePrincipal service = store.findServicePrincipal(owner.serviceName())
                    .orElseThrow(() -> new CredentialsRefused(CredentialsRefused.Reason.INVALID_TOKEN));
            // A service acts in the deployment account; it reaches a user's keys only through OnBehalfOf.
            return new Resolved(key, new Principal(PrincipalType.SERVICE, service.serviceName(), key.accountId(),
                    service.serviceId(), service.serviceName(), key.accessKeyId()));
        }
        CredentialOwner.UserOwner owner = (CredentialOwner.UserOwner) key.owner();
        User user = store.findUser(key.accountId(), owner.userName())
                .orElseThrow(() -> new CredentialsRefused(CredentialsRefused.Reason.INVALID_TOKEN));
        return new Resolved(key, new Principal(PrincipalType.USER, user.arn(), user.accountId(), user.userId(),
                user.userName(), key.accessKeyId()));
    }

    /** A session is valid only while the very role it was issued for exists (same id, not a re-created namesake). */
    private Principal sessionPrincipal(AccessKey key, CredentialOwner.RoleSession session) {
        IamNames.ParsedArn arn = IamNames.parse(session.roleArn());
        String roleName = arn == null ? null : arn.name("iam", "role");
        Role role = roleName == null ? null : store.findRole(key.accountId(), roleName).orElse(null);
        if (role == null || !role.roleId().equals(session.roleId())) {
            throw new CredentialsRefused(CredentialsRefused.Reason.INVALID_TOKEN);
        }
        return new Principal(PrincipalType.ASSUMED_ROLE,
                IamNames.sessionArn(deployment.partition(), role.accountId(), role.roleName(), session.sessionName()),
                role.accountId(), role.roleId() + ":" + session.sessionName(), session.sessionName(), key.accessKeyId());
    }

    private record Resolved(AccessKey key, Principal principal) {
    }
}
