package dev.kms.cli.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.cli.KmsSession;
import dev.kms.core.identity.AccessKey;
import dev.kms.core.identity.CreatedAccessKey;
import dev.kms.core.identity.IamService;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.identity.ServicePrincipal;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kms iam}: users, access keys, roles and their inline policies, with the subcommands, flags and output of
 * {@code aws iam}: actions of the IAM Query API ({@link IdentityApiCommand}), on KMS_HOME or a server; those that
 * are only their options are rows of {@link IdentityActions}. The account
 * root may run all of them, and users and role sessions what their identity policies allow (iam:ACTION). The
 * integrated services' principals and keys (--service-name) are not AWS APIs and stay on KMS_HOME, the deployment
 * account root's.
 */
@Command(name = "iam", mixinStandardHelpOptions = true,
        description = "Users, access keys, roles and identity policies, as `aws iam`.",
        subcommands = {
                IamCommands.CreateAccessKey.class, IamCommands.ListAccessKeys.class, IamCommands.DeleteAccessKey.class,
                IamCommands.CreateServicePrincipal.class, IamCommands.ListServicePrincipals.class,
                IamCommands.DeleteServicePrincipal.class,
                SimulateCommand.class})
public final class IamCommands {
    private IamCommands() {
    }

    private static IamService iam(KmsSession session) {
        return session.identity().iam();
    }

    // ---- access keys

    /** Whose access keys a command is about: a user's (as in aws iam) or an integrated service's. */
    static final class KeyOwner {
        @Option(names = "--user-name", required = true)
        String userName;
        @Option(names = "--service-name", required = true,
                description = "An integrated service's principal (on KMS_HOME only)")
        String serviceName;
    }

    /**
     * An access-key command: a user's key goes to IAM's action as in aws iam; an integrated service's is answered
     * on KMS_HOME by {@link #forService}, in the same shape with ServiceName for UserName.
     */
    abstract static class AccessKeyCommand extends IdentityApiCommand {
        @ArgGroup(multiplicity = "1")
        KeyOwner owner;

        @Override
        public Integer call() {
            if (owner.serviceName == null) {
                return super.call();
            }
            return IdentityCommand.callLocal(spec, (session, caller) -> forService(iam(session), caller));
        }

        abstract ObjectNode forService(IamService iam, RequestContext caller);

        /** What IAM answers of a user's key, for the service's. */
        ObjectNode describe(ObjectNode node, AccessKey key) {
            return node.put("ServiceName", owner.serviceName)
                    .put("AccessKeyId", key.accessKeyId())
                    .put("Status", key.status().name());
        }
    }

    @Command(name = "create-access-key", mixinStandardHelpOptions = true,
            description = "Creates an access key of a user or a service; its secret is shown this once and never again.")
    static final class CreateAccessKey extends AccessKeyCommand {
        @Override
        ObjectNode forService(IamService iam, RequestContext caller) {
            try (CreatedAccessKey created = iam.createServiceAccessKey(caller, owner.serviceName)) {
                ObjectNode out = IdentityCommand.object();
                describe(out.putObject("AccessKey"), created.accessKey())
                        .put("SecretAccessKey", new String(created.secretAccessKey().chars()))
                        .put("CreateDate", IdentityCommand.date(created.accessKey().created()));
                return out;
            }
        }
    }

    @Command(name = "list-access-keys", mixinStandardHelpOptions = true,
            description = "Lists a user's or a service's access keys.")
    static final class ListAccessKeys extends AccessKeyCommand {
        @Override
        ObjectNode forService(IamService iam, RequestContext caller) {
            ObjectNode out = IdentityCommand.object();
            ArrayNode keys = out.putArray("AccessKeyMetadata");
            for (AccessKey key : iam.listServiceAccessKeys(caller, owner.serviceName)) {
                describe(keys.addObject(), key).put("CreateDate", IdentityCommand.date(key.created()));
            }
            return out;
        }
    }

    @Command(name = "delete-access-key", mixinStandardHelpOptions = true,
            description = "Deletes an access key of a user or a service.")
    static final class DeleteAccessKey extends AccessKeyCommand {
        @Option(names = "--access-key-id", required = true)
        String accessKeyId;

        @Override
        ObjectNode forService(IamService iam, RequestContext caller) {
            iam.deleteServiceAccessKey(caller, owner.serviceName, accessKeyId);
            return IdentityCommand.object();
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
}
