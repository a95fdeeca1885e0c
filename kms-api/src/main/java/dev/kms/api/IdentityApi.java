package dev.kms.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.AccessKey;
import dev.kms.core.identity.AccessKeyStatus;
import dev.kms.core.identity.CreatedAccessKey;
import dev.kms.core.identity.CredentialOwner;
import dev.kms.core.identity.IamService;
import dev.kms.core.identity.InlinePolicy;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.identity.Role;
import dev.kms.core.identity.StsService;
import dev.kms.core.identity.TemporaryCredentials;
import dev.kms.core.identity.User;
import dev.kms.core.policy.PrincipalType;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The IAM and STS actions of AWS's Query APIs, free of any wire format: an action name and its flat parameters
 * (as the query protocol carries them: {@code UserName}, {@code MaxSessionDuration}, ... all strings) in, the
 * members of the action's result out, shaped as AWS's result element ({@code {"User": {"Path": ..., "UserName":
 * ...}}}); timestamps ISO-8601 UTC to the second, policy documents as their JSON text. Errors are thrown as
 * {@link KmsException}. The HTTP server renders the result as XML, the CLI prints it as aws does.
 *
 * <p>A CreateAccessKey or AssumeRole result carries the secret access key (and session token): it belongs in the
 * response to the caller and nowhere else, so auditors filter results through {@code AuditParameters}.
 */
public final class IdentityApi {
    /** The service names: the SigV4 scope and the audit eventSource's first label. */
    public static final String IAM = "iam";
    public static final String STS = "sts";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private static final Map<String, Handler> IAM_ACTIONS = Map.ofEntries(
            Map.entry("CreateUser", (api, ctx, p) -> api.userResult(api.iam.createUser(ctx, p.required("UserName")))),
            Map.entry("GetUser", (api, ctx, p) -> api.userResult(api.iam.getUser(ctx, p.userNameOrCaller(ctx)))),
            Map.entry("ListUsers", (api, ctx, p) -> api.users(api.iam.listUsers(ctx))),
            Map.entry("DeleteUser", (api, ctx, p) -> done(() -> api.iam.deleteUser(ctx, p.required("UserName")))),
            Map.entry("CreateAccessKey", (api, ctx, p) -> api.createAccessKey(ctx, p.userNameOrCaller(ctx))),
            Map.entry("ListAccessKeys", (api, ctx, p) -> api.accessKeys(api.iam.listAccessKeys(ctx,
                    p.userNameOrCaller(ctx)))),
            Map.entry("UpdateAccessKey", (api, ctx, p) -> done(() -> api.iam.updateAccessKey(ctx, p.userNameOrCaller(ctx),
                    p.required("AccessKeyId"), status(p.required("Status"))))),
            Map.entry("DeleteAccessKey", (api, ctx, p) -> done(() -> api.iam.deleteAccessKey(ctx, p.userNameOrCaller(ctx),
                    p.required("AccessKeyId")))),
            Map.entry("PutUserPolicy", (api, ctx, p) -> done(() -> api.iam.putUserPolicy(ctx, p.required("UserName"),
                    p.required("PolicyName"), p.required("PolicyDocument")))),
            Map.entry("GetUserPolicy", (api, ctx, p) -> policy("UserName", p.required("UserName"),
                    api.iam.getUserPolicy(ctx, p.required("UserName"), p.required("PolicyName")))),
            Map.entry("ListUserPolicies", (api, ctx, p) -> policyNames(api.iam.listUserPolicies(ctx,
                    p.required("UserName")))),
            Map.entry("DeleteUserPolicy", (api, ctx, p) -> done(() -> api.iam.deleteUserPolicy(ctx,
                    p.required("UserName"), p.required("PolicyName")))),
            Map.entry("CreateRole", (api, ctx, p) -> api.roleResult(api.iam.createRole(ctx, p.required("RoleName"),
                    p.required("AssumeRolePolicyDocument"), p.integer("MaxSessionDuration")))),
            Map.entry("GetRole", (api, ctx, p) -> api.roleResult(api.iam.getRole(ctx, p.required("RoleName")))),
            Map.entry("ListRoles", (api, ctx, p) -> api.roles(api.iam.listRoles(ctx))),
            Map.entry("DeleteRole", (api, ctx, p) -> done(() -> api.iam.deleteRole(ctx, p.required("RoleName")))),
            Map.entry("PutRolePolicy", (api, ctx, p) -> done(() -> api.iam.putRolePolicy(ctx, p.required("RoleName"),
                    p.required("PolicyName"), p.required("PolicyDocument")))),
            Map.entry("GetRolePolicy", (api, ctx, p) -> policy("RoleName", p.required("RoleName"),
                    api.iam.getRolePolicy(ctx, p.required("RoleName"), p.required("PolicyName")))),
            Map.entry("ListRolePolicies", (api, ctx, p) -> policyNames(api.iam.listRolePolicies(ctx,
                    p.required("RoleName")))),
            Map.entry("DeleteRolePolicy", (api, ctx, p) -> done(() -> api.iam.deleteRolePolicy(ctx,
                    p.required("RoleName"), p.required("PolicyName")))));
    private static final Map<String, Handler> STS_ACTIONS = Map.of(
            "AssumeRole", (api, ctx, p) -> api.assumeRole(ctx, p),
            "GetCallerIdentity", (api, ctx, p) -> callerIdentity(ctx.principal()));

    private final IamService iam;
    private final StsService sts;

    /** One action: reads the parameters, calls the use case as {@code ctx}'s caller, builds the result. */
    @FunctionalInterface
    private interface Handler {
        ObjectNode handle(IdentityApi api, RequestContext ctx, Parameters parameters);
    }

    public IdentityApi(IamService iam, StsService sts) {
        this.iam = iam;
        this.sts = sts;
    }

    /** The actions of {@code service} ({@link #IAM} or {@link #STS}), sorted; empty for any other service. */
    public static Set<String> actions(String service) {
        return new TreeSet<>(handlers(service).keySet());
    }

    /** True for the actions CloudTrail records as read-only: those that change nothing. */
    public static boolean readOnly(String action) {
        return action.startsWith("Get") || action.startsWith("List");
    }

    /**
     * Runs {@code action} of {@code service} as {@code ctx}'s caller. UnknownOperationException for an action
     * the service does not have; the use case's own errors otherwise.
     */
    public ObjectNode call(RequestContext ctx, String service, String action, Map<String, String> parameters) {
        Handler handler = handlers(service).get(action);
        if (handler == null) {
            throw new KmsException(ErrorCode.UNKNOWN_OPERATION, "Could not find operation " + action + " for "
                    + service + ".");
        }
        return handler.handle(this, ctx, new Parameters(parameters));
    }

    private static Map<String, Handler> handlers(String service) {
        if (IAM.equals(service)) {
            return IAM_ACTIONS;
        }
        return STS.equals(service) ? STS_ACTIONS : Map.of();
    }

    // ---- results

    /** ISO-8601 UTC to the second, as IAM and STS write timestamps. */
    public static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private ObjectNode userResult(User user) {
        ObjectNode result = JSON.objectNode();
        result.set("User", user(user));
        return result;
    }

    private static ObjectNode user(User user) {
        return JSON.objectNode().put("Path", "/").put("UserName", user.userName()).put("UserId", user.userId())
                .put("Arn", user.arn()).put("CreateDate", timestamp(user.created()));
    }

    private ObjectNode users(List<User> users) {
        ObjectNode result = JSON.objectNode();
        ArrayNode list = result.putArray("Users");
        users.forEach(u -> list.add(user(u)));
        return result;
    }

    private ObjectNode roleResult(Role role) {
        ObjectNode result = JSON.objectNode();
        result.set("Role", role(role));
        return result;
    }

    private static ObjectNode role(Role role) {
        return JSON.objectNode().put("Path", "/").put("RoleName", role.roleName()).put("RoleId", role.roleId())
                .put("Arn", role.arn()).put("CreateDate", timestamp(role.created()))
                .put("AssumeRolePolicyDocument", role.trustPolicy())
                .put("MaxSessionDuration", role.maxSessionDurationSeconds());
    }

    private ObjectNode roles(List<Role> roles) {
        ObjectNode result = JSON.objectNode();
        ArrayNode list = result.putArray("Roles");
        roles.forEach(r -> list.add(role(r)));
        return result;
    }

    private ObjectNode createAccessKey(RequestContext ctx, String userName) {
        try (CreatedAccessKey created = iam.createAccessKey(ctx, userName)) {
            AccessKey key = created.accessKey();
            ObjectNode result = JSON.objectNode();
            result.putObject("AccessKey")
                    .put("UserName", ((CredentialOwner.UserOwner) key.owner()).userName())
                    .put("AccessKeyId", key.accessKeyId())
                    .put("Status", key.status().name())
                    .put("SecretAccessKey", new String(created.secretAccessKey().chars()))
                    .put("CreateDate", timestamp(key.created()));
            return result;
        }
    }

    private ObjectNode accessKeys(List<AccessKey> keys) {
        ObjectNode result = JSON.objectNode();
        ArrayNode list = result.putArray("AccessKeyMetadata");
        for (AccessKey key : keys) {
            list.addObject()
                    .put("UserName", ((CredentialOwner.UserOwner) key.owner()).userName())
                    .put("AccessKeyId", key.accessKeyId())
                    .put("Status", key.status().name())
                    .put("CreateDate", timestamp(key.created()));
        }
        return result;
    }

    private static ObjectNode policy(String ownerMember, String owner, InlinePolicy policy) {
        return JSON.objectNode().put(ownerMember, owner).put("PolicyName", policy.policyName())
                .put("PolicyDocument", policy.document());
    }

    private static ObjectNode policyNames(List<String> names) {
        ObjectNode result = JSON.objectNode();
        names.forEach(result.putArray("PolicyNames")::add);
        return result;
    }

    private ObjectNode assumeRole(RequestContext ctx, Parameters p) {
        try (TemporaryCredentials credentials = sts.assumeRole(ctx, p.required("RoleArn"), p.required("RoleSessionName"),
                p.integer("DurationSeconds"))) {
            ObjectNode result = JSON.objectNode();
            result.putObject("Credentials")
                    .put("AccessKeyId", credentials.accessKeyId())
                    .put("SecretAccessKey", new String(credentials.secretAccessKey().chars()))
                    .put("SessionToken", new String(credentials.sessionToken().chars()))
                    .put("Expiration", timestamp(credentials.expiration()));
            result.putObject("AssumedRoleUser")
                    .put("AssumedRoleId", credentials.assumedRoleId())
                    .put("Arn", credentials.assumedRoleArn());
            return result;
        }
    }

    /** Who signed: STS answers this to anyone who authenticates, with no policy involved. */
    private static ObjectNode callerIdentity(Principal caller) {
        return JSON.objectNode().put("UserId", caller.principalId()).put("Account", caller.accountId())
                .put("Arn", caller.arn());
    }

    private static ObjectNode done(Runnable work) {
        work.run();
        return JSON.objectNode();
    }

    private static AccessKeyStatus status(String value) {
        for (AccessKeyStatus status : AccessKeyStatus.values()) {
            if (status.name().equals(value)) {
                return status;
            }
        }
        throw KmsException.validation("status", "Member must satisfy enum value set: [Active, Inactive]");
    }

    /** The action's parameters; absent and empty mean the same, as in the query protocol. */
    private record Parameters(Map<String, String> values) {
        Parameters {
            values = values == null ? Map.of() : values;
        }

        String optional(String name) {
            String value = values.get(name);
            return value == null || value.isEmpty() ? null : value;
        }

        String required(String name) {
            String value = optional(name);
            if (value == null) {
                throw KmsException.validation(camelCase(name), "Member must not be null");
            }
            return value;
        }

        Integer integer(String name) {
            String value = optional(name);
            if (value == null) {
                return null;
            }
            try {
                return Integer.valueOf(value.strip());
            } catch (NumberFormatException e) {
                throw KmsException.validation(camelCase(name), "Member must be a 32-bit integer");
            }
        }

        /** IAM's rule for the access-key and GetUser actions: no UserName means the calling user itself. */
        String userNameOrCaller(RequestContext ctx) {
            String given = optional("UserName");
            if (given == null && ctx.principal().type() == PrincipalType.USER) {
                return ctx.principal().name();
            }
            return given == null ? required("UserName") : given;
        }

        private static String camelCase(String name) {
            return Character.toLowerCase(name.charAt(0)) + name.substring(1);
        }
    }
}
