package dev.kms.core.identity;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.Deployment;
import dev.kms.core.policy.AuthorizationRequest;
import dev.kms.core.policy.ConditionKeys;
import dev.kms.core.policy.Effect;
import dev.kms.core.policy.NamedPolicy;
import dev.kms.core.policy.PolicyEvaluation;
import dev.kms.core.policy.PolicyEvaluator;
import dev.kms.core.policy.PolicyKind;
import dev.kms.core.policy.PrincipalMatch;
import dev.kms.core.policy.PrincipalType;
import dev.kms.core.policy.StatementResult;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.IdentityStore;
import dev.kms.core.port.PolicyParser;
import dev.kms.core.secret.Secret;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * AssumeRole: temporary credentials for a session of a role, if the role's trust policy lets the caller in.
 *
 * <p>The decision follows IAM's rules for a resource policy, here the trust policy (kms-reference.md,
 * "Authorization"): an explicit Deny in the trust policy or in the caller's identity policies wins. A trust
 * policy that names the caller itself (its ARN, its role for a session, a service, or "*") decides alone for a
 * caller of the role's account. A trust policy that names the caller's account (its id or root ARN) delegates:
 * the caller also needs an identity policy allowing sts:AssumeRole on the role. A caller from another account
 * always needs both. The account root may not assume roles, as in AWS.
 */
public final class StsService {
    public static final String ASSUME_ROLE = "sts:AssumeRole";
    public static final int MIN_DURATION_SECONDS = 900;
    public static final int DEFAULT_DURATION_SECONDS = 3600;
    /** A session that assumes another role (role chaining) gets at most one hour, as in AWS. */
    public static final int MAX_CHAINED_DURATION_SECONDS = 3600;

    private final Deployment deployment;
    private final IdentityStore store;
    private final CredentialMint mint;
    private final PolicyParser parser;
    private final IdentityPolicies identityPolicies;
    private final Clock clock;

    public StsService(Deployment deployment, IdentityStore store, Hsm hsm, SecretProtector protector,
                      PolicyParser parser, Clock clock) {
        this.deployment = deployment;
        this.store = store;
        this.mint = new CredentialMint(hsm, protector);
        this.parser = parser;
        this.identityPolicies = new IdentityPolicies(store, parser);
        this.clock = clock;
    }

    /**
     * Credentials for session {@code roleSessionName} of {@code roleArn}, valid for {@code durationSeconds}
     * (900 up to the role's maximum; null means 3600). AccessDeniedException naming the caller and the action
     * when the trust policy does not let the caller in, or the role does not exist.
     */
    public TemporaryCredentials assumeRole(RequestContext ctx, String roleArn, String roleSessionName,
                                           Integer durationSeconds) {
        IamNames.validateSessionName(roleSessionName);
        int duration = durationSeconds == null ? DEFAULT_DURATION_SECONDS : durationSeconds;
        if (duration < MIN_DURATION_SECONDS) {
            throw KmsException.validation("durationSeconds", "Member must have value greater than or equal to 900");
        }
        IamNames.ParsedArn arn = IamNames.parse(roleArn);
        String roleName = arn == null ? null : arn.name("iam", "role");
        if (roleName == null) {
            throw KmsException.validation("roleArn", "Member must be a role ARN: arn:PARTITION:iam::ACCOUNT:role/NAME");
        }
        Principal caller = ctx.principal();
        Role role = arn.partition().equals(deployment.partition())
                ? store.findRole(arn.accountId(), roleName).orElse(null) : null;
        if (role == null || caller.type() == PrincipalType.ROOT || !trusts(role, ctx)) {
            // A missing role is denied like a forbidden one, so callers cannot probe which roles exist.
            throw new KmsException(ErrorCode.ACCESS_DENIED, "User: " + caller.arn()
                    + " is not authorized to perform: " + ASSUME_ROLE + " on resource: " + roleArn);
        }
        if (duration > role.maxSessionDurationSeconds()) {
            throw new KmsException(ErrorCode.VALIDATION,
                    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }
        if (caller.type() == PrincipalType.ASSUMED_ROLE && duration > MAX_CHAINED_DURATION_SECONDS) {
            throw new KmsException(ErrorCode.VALIDATION,
                    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        }
        return issue(role, roleSessionName, duration);
    }

    private boolean trusts(Role role, RequestContext ctx) {
        Principal caller = ctx.principal();
        ConditionKeys.Builder conditions = ConditionKeys.builder()
                .put(ConditionKeys.CURRENT_TIME, clock.instant().toString());
        if (ctx.sourceIp() != null) {
            conditions.put(ConditionKeys.SOURCE_IP, ctx.sourceIp());
        }
        AuthorizationRequest request = new AuthorizationRequest(caller.arn(), caller.accountId(), caller.type(),
                ASSUME_ROLE, role.arn(), conditions.build());
        NamedPolicy trustPolicy = new NamedPolicy("trust policy of role/" + role.roleName(),
                parser.parse(role.trustPolicy(), PolicyKind.TRUST));
        PolicyEvaluation trust = PolicyEvaluator.evaluate(trustPolicy, request);
        if (!trust.applying(Effect.Deny).isEmpty()) {
            return false;
        }
        boolean identityAllows = false;
        for (NamedPolicy policy : identityPolicies.of(caller.arn(), caller.type())) {
            PolicyEvaluation evaluation = PolicyEvaluator.evaluate(policy, request);
            if (!evaluation.applying(Effect.Deny).isEmpty()) {
                return false;
            }
            identityAllows |= !evaluation.applying(Effect.Allow).isEmpty();
        }
        boolean direct = false;
        boolean delegated = false;
        for (StatementResult allow : trust.applying(Effect.Allow)) {
            direct |= allow.principal() == PrincipalMatch.CALLER;
            delegated |= allow.principal() == PrincipalMatch.ACCOUNT_DELEGATION;
        }
        boolean foreign = caller.type() != PrincipalType.SERVICE && !caller.accountId().equals(role.accountId());
        return direct && (!foreign || identityAllows) || delegated && identityAllows;
    }

    private TemporaryCredentials issue(Role role, String sessionName, int durationSeconds) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant expiration = now.plus(Duration.ofSeconds(durationSeconds));
        String accessKeyId = IamNames.newId(IamNames.TEMPORARY_KEY_PREFIX);
        CredentialMint.NewSecret secret = mint.newSecret(accessKeyId);
        Secret token = null;
        try {
            token = mint.newSessionToken();
            CredentialOwner.RoleSession session = new CredentialOwner.RoleSession(role.arn(), role.roleId(), sessionName);
            store.insertAccessKey(AccessKey.forSession(accessKeyId, role.accountId(), session, secret.protectedSecret(),
                    now, CredentialMint.hash(token.chars()), expiration));
            return new TemporaryCredentials(accessKeyId, secret.secret(), token, expiration,
                    IamNames.sessionArn(deployment.partition(), role.accountId(), role.roleName(), sessionName),
                    role.roleId() + ":" + sessionName);
        } catch (RuntimeException e) {
            secret.secret().destroy();
            if (token != null) {
                token.destroy();
            }
            throw e;
        }
    }
}
