package dev.kms.core.identity;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.Deployment;
import dev.kms.core.policy.AuthorizationRequest;
import dev.kms.core.policy.ConditionKeys;
import dev.kms.core.policy.Effect;
import dev.kms.core.policy.NamedPolicy;
import dev.kms.core.policy.Policy;
import dev.kms.core.policy.PolicyDocuments;
import dev.kms.core.policy.PolicyEvaluation;
import dev.kms.core.policy.PolicyEvaluator;
import dev.kms.core.policy.PolicyKind;
import dev.kms.core.policy.PrincipalSpec;
import dev.kms.core.policy.PrincipalType;
import dev.kms.core.policy.Statement;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.IdentityStore;
import dev.kms.core.port.PolicyParser;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The IAM use cases: accounts, users and their access keys, roles with trust policies, and inline identity
 * policies of both, with IAM's names, limits and error messages. The operations on users, roles and their keys and
 * policies are the account root's, or a user's or role session's of that account whose identity policies allow the
 * {@code iam:} action on the user or role ARN and none denies it (default deny, as in IAM). Account creation and
 * listing, and the integrated services' principals and keys, are the deployment account root's alone.
 */
public final class IamService {
    /** IAM's quota on the total size of a user's inline policies, whitespace not counted. */
    static final int MAX_USER_POLICY_CHARS = 2048;
    /** IAM's quota on the total size of a role's inline policies, whitespace not counted. */
    static final int MAX_ROLE_POLICY_CHARS = 10_240;
    private static final int ACCOUNT_ID_ATTEMPTS = 10;

    private final Deployment deployment;
    private final IdentityStore store;
    private final CredentialMint mint;
    private final PolicyParser parser;
    private final IdentityPolicies identityPolicies;
    private final Clock clock;

    public IamService(Deployment deployment, IdentityStore store, Hsm hsm, SecretProtector protector,
                      PolicyParser parser, Clock clock) {
        this.deployment = deployment;
        this.store = store;
        this.mint = new CredentialMint(hsm, protector);
        this.parser = parser;
        this.identityPolicies = new IdentityPolicies(store, parser);
        this.clock = clock;
    }

    // ---- accounts

    /** Creates the deployment's own account if it is missing; every deployment starts with it. Idempotent. */
    public Account ensureDeploymentAccount() {
        String id = deployment.accountId();
        return store.findAccount(id).orElseGet(() -> {
            try {
                Account account = new Account(id, now());
                store.insertAccount(account);
                return account;
            } catch (KmsException e) {
                if (e.code() == ErrorCode.ALREADY_EXISTS) {
                    return store.findAccount(id).orElseThrow(() -> e);
                }
                throw e;
            }
        });
    }

    /** A new account with a random 12-digit id; only the deployment account's root may create accounts. */
    public Account createAccount(RequestContext ctx) {
        requireRoot(ctx, deployment.accountId(), "organizations:CreateAccount", "*");
        for (int attempt = 0; ; attempt++) {
            Account account = new Account(IamNames.newAccountId(), now());
            try {
                store.insertAccount(account);
                return account;
            } catch (KmsException e) {
                if (e.code() != ErrorCode.ALREADY_EXISTS || attempt == ACCOUNT_ID_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    public List<Account> listAccounts(RequestContext ctx) {
        requireRoot(ctx, deployment.accountId(), "organizations:ListAccounts", "*");
        return store.listAccounts();
    }

    // ---- users

    public User createUser(RequestContext ctx, String userName) {
        IamNames.validateName("userName", userName, IamNames.MAX_USER_NAME);
        String account = accountOf(ctx, "iam:CreateUser", userArn(ctx, userName));
        User user = new User(account, userName, IamNames.newId(IamNames.USER_ID_PREFIX),
                IamNames.userArn(deployment.partition(), account, userName), now());
        store.insertUser(user);
        return user;
    }

    public User getUser(RequestContext ctx, String userName) {
        IamNames.validateName("userName", userName, IamNames.MAX_USER_NAME);
        return user(accountOf(ctx, "iam:GetUser", userArn(ctx, userName)), userName);
    }

    public List<User> listUsers(RequestContext ctx) {
        return store.listUsers(accountOf(ctx, "iam:ListUsers", "*"));
    }

    /** Refused while the user has access keys or inline policies, as IAM refuses with DeleteConflict. */
    public void deleteUser(RequestContext ctx, String userName) {
        IamNames.validateName("userName", userName, IamNames.MAX_USER_NAME);
        store.deleteUser(accountOf(ctx, "iam:DeleteUser", userArn(ctx, userName)), userName);
    }

    // ---- access keys

    /**
     * A new active key for the user; its secret is in the result and nowhere else, the store keeps it only
     * encrypted inside the HSM. LimitExceededException when the user already has two keys.
     */
    public CreatedAccessKey createAccessKey(RequestContext ctx, String userName) {
        IamNames.validateName("userName", userName, IamNames.MAX_USER_NAME);
        String account = accountOf(ctx, "iam:CreateAccessKey", userArn(ctx, userName));
        User user = user(account, userName);
        String accessKeyId = IamNames.newId(IamNames.USER_KEY_PREFIX);
        CredentialMint.NewSecret secret = mint.newSecret(accessKeyId);
        try {
            AccessKey key = AccessKey.forUser(accessKeyId, account, user.userName(), secret.protectedSecret(),
                    AccessKeyStatus.Active, now());
            store.insertAccessKey(key);
            return new CreatedAccessKey(key, secret.secret());
        } catch (RuntimeException e) {
            secret.secret().destroy();
            throw e;
        }
    }

    public List<AccessKey> listAccessKeys(RequestContext ctx, String userName) {
        IamNames.validateName("userName", userName, IamNames.MAX_USER_NAME);
        return store.listAccessKeys(accountOf(ctx, "iam:ListAccessKeys", userArn(ctx, userName)), userName);
    }

    public void updateAccessKey(RequestContext ctx, String userName, String accessKeyId, AccessKeyStatus status) {
        if (status == null) {
            throw KmsException.validation("status", "Member must satisfy enum value set: [Active, Inactive]");
        }
        store.updateAccessKeyStatus(userKey(ctx, "iam:UpdateAccessKey", userName, accessKeyId).accessKeyId(), status);
    }

    public void deleteAccessKey(RequestContext ctx, String userName, String accessKeyId) {
        store.deleteAccessKey(userKey(ctx, "iam:DeleteAccessKey", userName, accessKeyId).accessKeyId());
    }

    // ---- service principals

    /**
     * Registers an integrated service (e.g. {@code backup.us-east-1.kms.local}) as a principal of the deployment;
     * only the deployment account's root may, as services act across the deployment's accounts.
     */
    public ServicePrincipal createServicePrincipal(RequestContext ctx, String serviceName) {
        IamNames.validateServiceName(serviceName);
        requireRoot(ctx, deployment.accountId(), "iam:CreateServicePrincipal", serviceName);
        ServicePrincipal service = new ServicePrincipal(serviceName, IamNames.newId(IamNames.SERVICE_ID_PREFIX), now());
        store.insertServicePrincipal(service);
        return service;
    }

    public List<ServicePrincipal> listServicePrincipals(RequestContext ctx) {
        requireRoot(ctx, deployment.accountId(), "iam:ListServicePrincipals", "*");
        return store.listServicePrincipals();
    }

    /** Refused while the service has access keys, as deleteUser is. */
    public void deleteServicePrincipal(RequestContext ctx, String serviceName) {
        IamNames.validateServiceName(serviceName);
        requireRoot(ctx, deployment.accountId(), "iam:DeleteServicePrincipal", serviceName);
        store.deleteServicePrincipal(serviceName);
    }

    /** A new active key for the service, as {@link #createAccessKey} for a user: the secret is shown once. */
    public CreatedAccessKey createServiceAccessKey(RequestContext ctx, String serviceName) {
        IamNames.validateServiceName(serviceName);
        requireRoot(ctx, deployment.accountId(), "iam:CreateAccessKey", serviceName);
        service(serviceName);
        String accessKeyId = IamNames.newId(IamNames.USER_KEY_PREFIX);
        CredentialMint.NewSecret secret = mint.newSecret(accessKeyId);
        try {
            AccessKey key = AccessKey.forService(accessKeyId, deployment.accountId(), serviceName,
                    secret.protectedSecret(), AccessKeyStatus.Active, now());
            store.insertAccessKey(key);
            return new CreatedAccessKey(key, secret.secret());
        } catch (RuntimeException e) {
            secret.secret().destroy();
            throw e;
        }
    }

    public List<AccessKey> listServiceAccessKeys(RequestContext ctx, String serviceName) {
        IamNames.validateServiceName(serviceName);
        requireRoot(ctx, deployment.accountId(), "iam:ListAccessKeys", serviceName);
        return store.listServiceAccessKeys(serviceName);
    }

    public void deleteServiceAccessKey(RequestContext ctx, String serviceName, String accessKeyId) {
        IamNames.validateServiceName(serviceName);
        requireRoot(ctx, deployment.accountId(), "iam:DeleteAccessKey", serviceName);
        service(serviceName);
        AccessKey key = store.findAccessKey(accessKeyId)
                .filter(k -> k.owner() instanceof CredentialOwner.ServiceOwner owner
                        && owner.serviceName().equals(serviceName))
                .orElseThrow(() -> notFound("The Access Key with id " + accessKeyId + " cannot be found."));
        store.deleteAccessKey(key.accessKeyId());
    }

    // ---- user policies

    /** Adds or replaces an inline identity policy; the document must be a valid identity policy. */
    public void putUserPolicy(RequestContext ctx, String userName, String policyName, String document) {
        IamNames.validateName("userName", userName, IamNames.MAX_USER_NAME);
        IamNames.validateName("policyName", policyName, IamNames.MAX_POLICY_NAME);
        String account = accountOf(ctx, "iam:PutUserPolicy", userArn(ctx, userName));
        store.putUserPolicy(account, userName, checkedInlinePolicy(store.listUserPolicies(account, userName),
                policyName, document, MAX_USER_POLICY_CHARS, "user " + userName));
    }

    public InlinePolicy getUserPolicy(RequestContext ctx, String userName, String policyName) {
        IamNames.validateName("userName", userName, IamNames.MAX_USER_NAME);
        IamNames.validateName("policyName", policyName, IamNames.MAX_POLICY_NAME);
        String account = accountOf(ctx, "iam:GetUserPolicy", userArn(ctx, userName));
        user(account, userName);
        return store.findUserPolicy(account, userName, policyName)
                .orElseThrow(() -> notFound("The user policy with name " + policyName + " cannot be found."));
    }

    public List<String> listUserPolicies(RequestContext ctx, String userName) {
        IamNames.validateName("userName", userName, IamNames.MAX_USER_NAME);
        return names(store.listUserPolicies(accountOf(ctx, "iam:ListUserPolicies", userArn(ctx, userName)), userName));
    }

    public void deleteUserPolicy(RequestContext ctx, String userName, String policyName) {
        IamNames.validateName("userName", userName, IamNames.MAX_USER_NAME);
        IamNames.validateName("policyName", policyName, IamNames.MAX_POLICY_NAME);
        store.deleteUserPolicy(accountOf(ctx, "iam:DeleteUserPolicy", userArn(ctx, userName)), userName, policyName);
    }

    /**
     * An inline policy that may be stored: a valid identity policy that keeps the owner's policies within
     * IAM's aggregate size limit.
     */
    private InlinePolicy checkedInlinePolicy(List<InlinePolicy> existing, String policyName, String document,
                                             int maxChars, String owner) {
        PolicyDocuments.checkSize(document);
        parser.parse(document, PolicyKind.IDENTITY);
        checkAggregateSize(existing, policyName, document, maxChars, owner);
        return new InlinePolicy(policyName, document);
    }

    // ---- roles

    /**
     * A role that the principals its trust policy names may assume. Every principal named must exist
     * (MalformedPolicyDocumentException naming it otherwise). {@code maxSessionDurationSeconds} null means 3600.
     */
    public Role createRole(RequestContext ctx, String roleName, String trustPolicy, Integer maxSessionDurationSeconds) {
        IamNames.validateName("roleName", roleName, IamNames.MAX_ROLE_NAME);
        int maxSession = maxSessionDurationSeconds == null ? Role.DEFAULT_MAX_SESSION_SECONDS : maxSessionDurationSeconds;
        if (maxSession < Role.MIN_MAX_SESSION_SECONDS) {
            throw KmsException.validation("maxSessionDuration", "Member must have value greater than or equal to 3600");
        }
        if (maxSession > Role.MAX_MAX_SESSION_SECONDS) {
            throw KmsException.validation("maxSessionDuration", "Member must have value less than or equal to 43200");
        }
        String account = accountOf(ctx, "iam:CreateRole", roleArn(ctx, roleName));
        checkTrustPolicy(trustPolicy);
        Role role = new Role(account, roleName, IamNames.newId(IamNames.ROLE_ID_PREFIX),
                IamNames.roleArn(deployment.partition(), account, roleName), trustPolicy, maxSession, now());
        store.insertRole(role);
        return role;
    }

    public Role getRole(RequestContext ctx, String roleName) {
        IamNames.validateName("roleName", roleName, IamNames.MAX_ROLE_NAME);
        return role(accountOf(ctx, "iam:GetRole", roleArn(ctx, roleName)), roleName);
    }

    public List<Role> listRoles(RequestContext ctx) {
        return store.listRoles(accountOf(ctx, "iam:ListRoles", "*"));
    }

    /** Refused while the role has inline policies; sessions already issued stop authenticating. */
    public void deleteRole(RequestContext ctx, String roleName) {
        IamNames.validateName("roleName", roleName, IamNames.MAX_ROLE_NAME);
        store.deleteRole(accountOf(ctx, "iam:DeleteRole", roleArn(ctx, roleName)), roleName);
    }

    public void putRolePolicy(RequestContext ctx, String roleName, String policyName, String document) {
        IamNames.validateName("roleName", roleName, IamNames.MAX_ROLE_NAME);
        IamNames.validateName("policyName", policyName, IamNames.MAX_POLICY_NAME);
        String account = accountOf(ctx, "iam:PutRolePolicy", roleArn(ctx, roleName));
        store.putRolePolicy(account, roleName, checkedInlinePolicy(store.listRolePolicies(account, roleName),
                policyName, document, MAX_ROLE_POLICY_CHARS, "role " + roleName));
    }

    public InlinePolicy getRolePolicy(RequestContext ctx, String roleName, String policyName) {
        IamNames.validateName("roleName", roleName, IamNames.MAX_ROLE_NAME);
        IamNames.validateName("policyName", policyName, IamNames.MAX_POLICY_NAME);
        String account = accountOf(ctx, "iam:GetRolePolicy", roleArn(ctx, roleName));
        role(account, roleName);
        return store.findRolePolicy(account, roleName, policyName)
                .orElseThrow(() -> notFound("The role policy with name " + policyName + " cannot be found."));
    }

    public List<String> listRolePolicies(RequestContext ctx, String roleName) {
        IamNames.validateName("roleName", roleName, IamNames.MAX_ROLE_NAME);
        return names(store.listRolePolicies(accountOf(ctx, "iam:ListRolePolicies", roleArn(ctx, roleName)), roleName));
    }

    public void deleteRolePolicy(RequestContext ctx, String roleName, String policyName) {
        IamNames.validateName("roleName", roleName, IamNames.MAX_ROLE_NAME);
        IamNames.validateName("policyName", policyName, IamNames.MAX_POLICY_NAME);
        store.deleteRolePolicy(accountOf(ctx, "iam:DeleteRolePolicy", roleArn(ctx, roleName)), roleName, policyName);
    }

    // ---- principals

    /**
     * Whether a principal a policy names exists: {@code *}, an account id or root ARN of an existing account,
     * the ARN of an existing user or role, or an assumed-role ARN of an existing role. Service principal names
     * cannot be checked and count as existing.
     */
    public boolean exists(String principal) {
        if (principal == null || principal.isEmpty()) {
            return false;
        }
        if (principal.equals("*")) {
            return true;
        }
        if (IamNames.isAccountId(principal)) {
            return store.findAccount(principal).isPresent();
        }
        if (!principal.startsWith("arn:")) {
            return !principal.contains(":") && !principal.contains("/");
        }
        IamNames.ParsedArn arn = IamNames.parse(principal);
        if (arn == null || !arn.partition().equals(deployment.partition())) {
            return false;
        }
        if (arn.service().equals("iam") && arn.resource().equals("root")) {
            return store.findAccount(arn.accountId()).isPresent();
        }
        String user = arn.name("iam", "user");
        if (user != null) {
            return store.findUser(arn.accountId(), user).isPresent();
        }
        String role = arn.name("iam", "role");
        if (role != null) {
            return store.findRole(arn.accountId(), role).isPresent();
        }
        String[] session = arn.session();
        return session != null && store.findRole(arn.accountId(), session[0]).isPresent();
    }

    // ---- helpers

    /**
     * The account the caller manages: its own. Its root may do anything there; a user or a role session needs an
     * identity policy allowing {@code action} on {@code resource} and none denying it; a service never may.
     */
    private String accountOf(RequestContext ctx, String action, String resource) {
        Principal caller = ctx.principal();
        if (caller.type() != PrincipalType.ROOT && !identityPoliciesAllow(ctx, action, resource)) {
            throw new KmsException(ErrorCode.ACCESS_DENIED, "User: " + caller.arn() + " is not authorized to perform: "
                    + action + " on resource: " + resource + " because no identity-based policy allows the " + action
                    + " action");
        }
        return caller.accountId();
    }

    /** An explicit Deny in any of the caller's identity policies wins; otherwise one Allow suffices. */
    private boolean identityPoliciesAllow(RequestContext ctx, String action, String resource) {
        Principal caller = ctx.principal();
        if (caller.type() != PrincipalType.USER && caller.type() != PrincipalType.ASSUMED_ROLE) {
            return false;
        }
        ConditionKeys.Builder conditions = ConditionKeys.builder()
                .put(ConditionKeys.CURRENT_TIME, clock.instant().toString());
        if (ctx.sourceIp() != null) {
            conditions.put(ConditionKeys.SOURCE_IP, ctx.sourceIp());
        }
        AuthorizationRequest request = new AuthorizationRequest(caller.arn(), caller.accountId(), caller.type(), action,
                resource, conditions.build());
        boolean allowed = false;
        for (NamedPolicy policy : identityPolicies.of(caller.arn(), caller.type())) {
            PolicyEvaluation evaluation = PolicyEvaluator.evaluate(policy, request);
            if (!evaluation.applying(Effect.Deny).isEmpty()) {
                return false;
            }
            allowed |= !evaluation.applying(Effect.Allow).isEmpty();
        }
        return allowed;
    }

    private static void requireRoot(RequestContext ctx, String account, String action, String resource) {
        Principal caller = ctx.principal();
        if (caller.type() != PrincipalType.ROOT || !account.equals(caller.accountId())) {
            throw new KmsException(ErrorCode.ACCESS_DENIED, "User: " + caller.arn() + " is not authorized to perform: "
                    + action + " on resource: " + resource + " because only the account root may manage identities");
        }
    }

    private String userArn(RequestContext ctx, String userName) {
        return IamNames.userArn(deployment.partition(), ctx.principal().accountId(), userName);
    }

    private String roleArn(RequestContext ctx, String roleName) {
        return IamNames.roleArn(deployment.partition(), ctx.principal().accountId(), roleName);
    }

    private User user(String account, String userName) {
        return store.findUser(account, userName)
                .orElseThrow(() -> notFound("The user with name " + userName + " cannot be found."));
    }

    private ServicePrincipal service(String serviceName) {
        return store.findServicePrincipal(serviceName)
                .orElseThrow(() -> notFound("The service principal with name " + serviceName + " cannot be found."));
    }

    private Role role(String account, String roleName) {
        return store.findRole(account, roleName)
                .orElseThrow(() -> notFound("The role with name " + roleName + " cannot be found."));
    }

    /** The user's key {@code accessKeyId}; IAM's NoSuchEntity when it is missing or belongs to someone else. */
    private AccessKey userKey(RequestContext ctx, String action, String userName, String accessKeyId) {
        IamNames.validateName("userName", userName, IamNames.MAX_USER_NAME);
        if (!IamNames.isAccessKeyId(accessKeyId)) {
            throw KmsException.validation("accessKeyId", "Member must satisfy regular expression pattern: [\\w]+ "
                    + "of length 16..128");
        }
        String account = accountOf(ctx, action, userArn(ctx, userName));
        User user = user(account, userName);
        return store.findAccessKey(accessKeyId)
                .filter(k -> k.accountId().equals(account) && k.owner() instanceof CredentialOwner.UserOwner owner
                        && IamNames.key(owner.userName()).equals(IamNames.key(user.userName())))
                .orElseThrow(() -> notFound("The Access Key with id " + accessKeyId + " cannot be found."));
    }

    private void checkTrustPolicy(String document) {
        PolicyDocuments.checkSize(document);
        Policy policy = parser.parse(document, PolicyKind.TRUST);
        for (Statement statement : policy.statements()) {
            PrincipalSpec principal = statement.principal();
            for (String aws : principal.aws()) {
                if (!exists(aws)) {
                    throw new KmsException(ErrorCode.MALFORMED_POLICY_DOCUMENT,
                            "Invalid principal in policy: \"AWS\":\"" + aws + "\"");
                }
            }
        }
    }

    private static void checkAggregateSize(List<InlinePolicy> existing, String policyName, String document, int limit,
                                           String owner) {
        int total = nonWhitespace(document);
        for (InlinePolicy p : existing) {
            if (!p.policyName().equals(policyName)) {
                total += nonWhitespace(p.document());
            }
        }
        if (total > limit) {
            throw new KmsException(ErrorCode.LIMIT_EXCEEDED,
                    "Maximum policy size of " + limit + " bytes exceeded for " + owner);
        }
    }

    private static int nonWhitespace(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                n++;
            }
        }
        return n;
    }

    private static List<String> names(List<InlinePolicy> policies) {
        return policies.stream().map(InlinePolicy::policyName).toList();
    }

    private static KmsException notFound(String message) {
        return new KmsException(ErrorCode.NOT_FOUND, message);
    }

    /** The store keeps milliseconds; so do the records this service returns. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
