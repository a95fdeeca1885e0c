package dev.kms.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.identity.TemporaryCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kms sts}: temporary credentials, as {@code aws sts}. */
@Command(name = "sts", mixinStandardHelpOptions = true, description = "Temporary credentials, as `aws sts`.",
        subcommands = StsCommands.AssumeRole.class)
final class StsCommands {
    private StsCommands() {
    }

    @Command(name = "assume-role", mixinStandardHelpOptions = true,
            description = "Credentials of a session of a role whose trust policy lets the caller in; shown this once.")
    static final class AssumeRole extends IdentityCommand {
        @Option(names = "--role-arn", required = true)
        String roleArn;
        @Option(names = "--role-session-name", required = true)
        String roleSessionName;
        @Option(names = "--duration-seconds", description = "900 to the role's MaxSessionDuration; default 3600")
        Integer durationSeconds;

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            try (TemporaryCredentials credentials = session.identity().sts()
                    .assumeRole(caller, roleArn, roleSessionName, durationSeconds)) {
                ObjectNode out = object();
                out.putObject("Credentials")
                        .put("AccessKeyId", credentials.accessKeyId())
                        .put("SecretAccessKey", new String(credentials.secretAccessKey().chars()))
                        .put("SessionToken", new String(credentials.sessionToken().chars()))
                        .put("Expiration", date(credentials.expiration()));
                out.putObject("AssumedRoleUser")
                        .put("AssumedRoleId", credentials.assumedRoleId())
                        .put("Arn", credentials.assumedRoleArn());
                return out;
            }
        }
    }
}
