package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.identity.AccessKey;
import dev.kms.core.identity.AccessKeyStatus;
import dev.kms.core.identity.CreatedAccessKey;
import dev.kms.core.identity.CredentialOwner;
import dev.kms.core.identity.IamService;
import dev.kms.core.identity.InlinePolicy;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.identity.Role;
import dev.kms.core.identity.ServicePrincipal;
import dev.kms.core.identity.User;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * {@code kms iam}: users, access keys, roles and their inline policies, with the subcommands, flags and
 * output of {@code aws iam}, and the integrated services' principals and keys. Every one is the account root's
 * (service principals the deployment account root's).
 */
@Command(name = "iam", mixinStandardHelpOptions = true,
        description = "Users, access keys, roles and identity policies, as `aws iam`.",
        subcommands = {
                IamCommands.CreateUser.class, IamCommands.GetUser.class, IamCommands.ListUsers.class,
                IamCommands.DeleteUser.class,
                IamCommands.CreateAccessKey.class, IamCommands.ListAccessKeys.class, IamCommands.UpdateAccessKey.class,
                IamCommands.DeleteAccessKey.class,
                IamCommands.PutUserPolicy.class, IamCommands.GetUserPolicy.class, IamCommands.ListUserPolicies.class,
                IamCommands.DeleteUserPolicy.class,
                IamCommands.CreateRole.class, IamCommands.GetRole.class, IamCommands.ListRoles.class,
                IamCommands.DeleteRole.class,
                IamCommands.PutRolePolicy.class, IamCommands.GetRolePolicy.class, IamCommands.ListRolePolicies.class,
                IamCommands.DeleteRolePolicy.class,
                IamCommands.CreateServicePrincipal.class, IamCommands.ListServicePrincipals.class,
                IamCommands.DeleteServicePrincipal.class,
                SimulateCommand.class})
final class IamCommands {
    private IamCommands() {
    }

    private static IamService iam(KmsSession session) {
        return session.identity().iam();
    }

    static ObjectNode user(User user) {
        ObjectNode node = IdentityCommand.object();
        node.put("Path", "/");
        node.put("UserName", user.userName());
        node.put("UserId", user.userId());
        node.put("Arn", user.arn());
        node.put("CreateDate", IdentityCommand.date(user.created()));
        return node;
    }

    static ObjectNode role(Role role) {
        ObjectNode node = IdentityCommand.object();
        node.put("Path", "/");
        node.put("RoleName", role.roleName());
        node.put("RoleId", role.roleId());
        node.put("Arn", role.arn());
        node.put("CreateDate", IdentityCommand.date(role.created()));
        node.set("AssumeRolePolicyDocument", IdentityCommand.document(role.trustPolicy()));
        node.put("MaxSessionDuration", role.maxSessionDurationSeconds());
        return node;
    }

    private static ObjectNode policyNames(List<String> names) {
        ObjectNode out = IdentityCommand.object();
        names.forEach(out.putArray("PolicyNames")::add);
        return out;
    }

    // ---- users

    @Command(name = "create-user", mixinStandardHelpOptions = true, description = "Creates a user.")
    static final class CreateUser extends IdentityCommand {
        @Option(names = "--user-name", required = true)
        String userName;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            ObjectNode out = object();
            out.set("User", user(iam(session).createUser(caller, userName)));
            return out;
        }
    }

    @Command(name = "get-user", mixinStandardHelpOptions = true, description = "Shows a user.")
    static final class GetUser extends IdentityCommand {
        @Option(names = "--user-name", required = true)
        String userName;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            ObjectNode out = object();
            out.set("User", user(iam(session).getUser(caller, userName)));
            return out;
        }
    }

    @Command(name = "list-users", mixinStandardHelpOptions = true, description = "Lists the account's users.")
    static final class ListUsers extends IdentityCommand {
        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            ObjectNode out = object();
            ArrayNode users = out.putArray("Users");
            iam(session).listUsers(caller).forEach(u -> users.add(user(u)));
            return out;
        }
    }

    @Command(name = "delete-user", mixinStandardHelpOptions = true,
            description = "Deletes a user that has no access keys and no policies.")
    static final class DeleteUser extends IdentityCommand {
        @Option(names = "--user-name", required = true)
        String userName;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            iam(session).deleteUser(caller, userName);
            return object();
        }
    }

    // ---- access keys

    /** Whose access keys a command is about: a user's (as in aws iam) or an integrated service's. */
    static final class KeyOwner {
        @Option(names = "--user-name", required = true)
        String userName;
        @Option(names = "--service-name", required = true, description = "An integrated service's principal")
        String serviceName;
    }

    @Command(name = "create-access-key", mixinStandardHelpOptions = true,
            description = "Creates an access key of a user or a service; its secret is shown this once and never again.")
    static final class CreateAccessKey extends IdentityCommand {
        @ArgGroup(multiplicity = "1")
        KeyOwner owner;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            try (CreatedAccessKey created = owner.serviceName != null
                    ? iam(session).createServiceAccessKey(caller, owner.serviceName)
                    : iam(session).createAccessKey(caller, owner.userName)) {
                AccessKey key = created.accessKey();
                ObjectNode out = object();
                ObjectNode node = out.putObject("AccessKey");
                putOwner(node, key);
                node.put("AccessKeyId", key.accessKeyId());
                node.put("Status", key.status().name());
                node.put("SecretAccessKey", new String(created.secretAccessKey().chars()));
                node.put("CreateDate", date(key.created()));
                return out;
            }
        }
    }

    private static void putOwner(ObjectNode node, AccessKey key) {
        if (key.owner() instanceof CredentialOwner.ServiceOwner service) {
            node.put("ServiceName", service.serviceName());
        } else {
            node.put("UserName", ((CredentialOwner.UserOwner) key.owner()).userName());
        }
    }

    @Command(name = "list-access-keys", mixinStandardHelpOptions = true,
            description = "Lists a user's or a service's access keys.")
    static final class ListAccessKeys extends IdentityCommand {
        @ArgGroup(multiplicity = "1")
        KeyOwner owner;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            ObjectNode out = object();
            ArrayNode keys = out.putArray("AccessKeyMetadata");
            List<AccessKey> listed = owner.serviceName != null
                    ? iam(session).listServiceAccessKeys(caller, owner.serviceName)
                    : iam(session).listAccessKeys(caller, owner.userName);
            for (AccessKey key : listed) {
                ObjectNode node = keys.addObject();
                putOwner(node, key);
                node.put("AccessKeyId", key.accessKeyId())
                        .put("Status", key.status().name())
                        .put("CreateDate", date(key.created()));
            }
            return out;
        }
    }

    @Command(name = "update-access-key", mixinStandardHelpOptions = true,
            description = "Activates or deactivates an access key.")
    static final class UpdateAccessKey extends IdentityCommand {
        @Option(names = "--user-name", required = true)
        String userName;
        @Option(names = "--access-key-id", required = true)
        String accessKeyId;
        @Option(names = "--status", required = true, description = "${COMPLETION-CANDIDATES}")
        AccessKeyStatus status;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            iam(session).updateAccessKey(caller, userName, accessKeyId, status);
            return object();
        }
    }

    @Command(name = "delete-access-key", mixinStandardHelpOptions = true,
            description = "Deletes an access key of a user or a service.")
    static final class DeleteAccessKey extends IdentityCommand {
        @ArgGroup(multiplicity = "1")
        KeyOwner owner;
        @Option(names = "--access-key-id", required = true)
        String accessKeyId;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            if (owner.serviceName != null) {
                iam(session).deleteServiceAccessKey(caller, owner.serviceName, accessKeyId);
            } else {
                iam(session).deleteAccessKey(caller, owner.userName, accessKeyId);
            }
            return object();
        }
    }

    // ---- service principals

    static ObjectNode servicePrincipal(ServicePrincipal service) {
        ObjectNode node = IdentityCommand.object();
        node.put("ServiceName", service.serviceName());
        node.put("ServicePrincipalId", service.serviceId());
        node.put("CreateDate", IdentityCommand.date(service.created()));
        return node;
    }

    @Command(name = "create-service-principal", mixinStandardHelpOptions = true,
            description = "Registers an integrated service (e.g. backup.us-east-1.kms.local), which may then call on "
                    + "users' behalf with its own access keys; alias/aws/SERVICE is its service-managed key.")
    static final class CreateServicePrincipal extends IdentityCommand {
        @Option(names = "--service-name", required = true)
        String serviceName;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            ObjectNode out = object();
            out.set("ServicePrincipal", servicePrincipal(iam(session).createServicePrincipal(caller, serviceName)));
            return out;
        }
    }

    @Command(name = "list-service-principals", mixinStandardHelpOptions = true,
            description = "Lists the integrated services.")
    static final class ListServicePrincipals extends IdentityCommand {
        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            ObjectNode out = object();
            ArrayNode services = out.putArray("ServicePrincipals");
            iam(session).listServicePrincipals(caller).forEach(s -> services.add(servicePrincipal(s)));
            return out;
        }
    }

    @Command(name = "delete-service-principal", mixinStandardHelpOptions = true,
            description = "Deletes an integrated service that has no access keys.")
    static final class DeleteServicePrincipal extends IdentityCommand {
        @Option(names = "--service-name", required = true)
        String serviceName;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            iam(session).deleteServicePrincipal(caller, serviceName);
            return object();
        }
    }

    // ---- user policies

    @Command(name = "put-user-policy", mixinStandardHelpOptions = true,
            description = "Adds or replaces an inline identity policy of a user.")
    static final class PutUserPolicy extends IdentityCommand {
        @Option(names = "--user-name", required = true)
        String userName;
        @Option(names = "--policy-name", required = true)
        String policyName;
        @Option(names = "--policy-document", required = true, converter = Params.Text.class,
                description = "The policy: JSON or file://PATH")
        String policyDocument;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            iam(session).putUserPolicy(caller, userName, policyName, policyDocument);
            return object();
        }
    }

    @Command(name = "get-user-policy", mixinStandardHelpOptions = true, description = "Shows an inline policy of a user.")
    static final class GetUserPolicy extends IdentityCommand {
        @Option(names = "--user-name", required = true)
        String userName;
        @Option(names = "--policy-name", required = true)
        String policyName;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            InlinePolicy policy = iam(session).getUserPolicy(caller, userName, policyName);
            ObjectNode out = object();
            out.put("UserName", userName);
            out.put("PolicyName", policy.policyName());
            out.set("PolicyDocument", document(policy.document()));
            return out;
        }
    }

    @Command(name = "list-user-policies", mixinStandardHelpOptions = true,
            description = "Lists the names of a user's inline policies.")
    static final class ListUserPolicies extends IdentityCommand {
        @Option(names = "--user-name", required = true)
        String userName;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            return policyNames(iam(session).listUserPolicies(caller, userName));
        }
    }

    @Command(name = "delete-user-policy", mixinStandardHelpOptions = true, description = "Deletes an inline policy of a user.")
    static final class DeleteUserPolicy extends IdentityCommand {
        @Option(names = "--user-name", required = true)
        String userName;
        @Option(names = "--policy-name", required = true)
        String policyName;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            iam(session).deleteUserPolicy(caller, userName, policyName);
            return object();
        }
    }

    // ---- roles

    @Command(name = "create-role", mixinStandardHelpOptions = true,
            description = "Creates a role that the principals its trust policy names may assume.")
    static final class CreateRole extends IdentityCommand {
        @Option(names = "--role-name", required = true)
        String roleName;
        @Option(names = "--assume-role-policy-document", required = true, converter = Params.Text.class,
                description = "The trust policy: JSON or file://PATH")
        String trustPolicy;
        @Option(names = "--max-session-duration", description = "Seconds, 3600 (default) to 43200")
        Integer maxSessionDuration;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            ObjectNode out = object();
            out.set("Role", role(iam(session).createRole(caller, roleName, trustPolicy, maxSessionDuration)));
            return out;
        }
    }

    @Command(name = "get-role", mixinStandardHelpOptions = true, description = "Shows a role.")
    static final class GetRole extends IdentityCommand {
        @Option(names = "--role-name", required = true)
        String roleName;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            ObjectNode out = object();
            out.set("Role", role(iam(session).getRole(caller, roleName)));
            return out;
        }
    }

    @Command(name = "list-roles", mixinStandardHelpOptions = true, description = "Lists the account's roles.")
    static final class ListRoles extends IdentityCommand {
        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            ObjectNode out = object();
            ArrayNode roles = out.putArray("Roles");
            iam(session).listRoles(caller).forEach(r -> roles.add(role(r)));
            return out;
        }
    }

    @Command(name = "delete-role", mixinStandardHelpOptions = true, description = "Deletes a role that has no policies.")
    static final class DeleteRole extends IdentityCommand {
        @Option(names = "--role-name", required = true)
        String roleName;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            iam(session).deleteRole(caller, roleName);
            return object();
        }
    }

    // ---- role policies

    @Command(name = "put-role-policy", mixinStandardHelpOptions = true,
            description = "Adds or replaces an inline identity policy of a role.")
    static final class PutRolePolicy extends IdentityCommand {
        @Option(names = "--role-name", required = true)
        String roleName;
        @Option(names = "--policy-name", required = true)
        String policyName;
        @Option(names = "--policy-document", required = true, converter = Params.Text.class,
                description = "The policy: JSON or file://PATH")
        String policyDocument;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            iam(session).putRolePolicy(caller, roleName, policyName, policyDocument);
            return object();
        }
    }

    @Command(name = "get-role-policy", mixinStandardHelpOptions = true, description = "Shows an inline policy of a role.")
    static final class GetRolePolicy extends IdentityCommand {
        @Option(names = "--role-name", required = true)
        String roleName;
        @Option(names = "--policy-name", required = true)
        String policyName;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            InlinePolicy policy = iam(session).getRolePolicy(caller, roleName, policyName);
            ObjectNode out = object();
            out.put("RoleName", roleName);
            out.put("PolicyName", policy.policyName());
            out.set("PolicyDocument", document(policy.document()));
            return out;
        }
    }

    @Command(name = "list-role-policies", mixinStandardHelpOptions = true,
            description = "Lists the names of a role's inline policies.")
    static final class ListRolePolicies extends IdentityCommand {
        @Option(names = "--role-name", required = true)
        String roleName;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            return policyNames(iam(session).listRolePolicies(caller, roleName));
        }
    }

    @Command(name = "delete-role-policy", mixinStandardHelpOptions = true, description = "Deletes an inline policy of a role.")
    static final class DeleteRolePolicy extends IdentityCommand {
        @Option(names = "--role-name", required = true)
        String roleName;
        @Option(names = "--policy-name", required = true)
        String policyName;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            iam(session).deleteRolePolicy(caller, roleName, policyName);
            return object();
        }
    }
}
