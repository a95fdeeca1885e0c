package dev.kms.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kms sts}: temporary credentials and the caller's identity, as {@code aws sts}, on KMS_HOME or a server. */
@Command(name = "sts", mixinStandardHelpOptions = true, description = "Temporary credentials, as `aws sts`.",
        subcommands = {StsCommands.AssumeRole.class, StsCommands.GetCallerIdentity.class})
final class StsCommands {
    private StsCommands() {
    }

    @Command(name = "assume-role", mixinStandardHelpOptions = true,
            description = "Credentials of a session of a role whose trust policy lets the caller in; shown this once.")
    static final class AssumeRole extends IdentityApiCommand {
        @Option(names = "--role-arn", required = true)
        String roleArn;
        @Option(names = "--role-session-name", required = true)
        String roleSessionName;
        @Option(names = "--duration-seconds", description = "900 to the role's MaxSessionDuration; default 3600")
        Integer durationSeconds;
    }

    @Command(name = "get-caller-identity", mixinStandardHelpOptions = true,
            description = "Who the credentials in use belong to: account, ARN and unique id.")
    static final class GetCallerIdentity extends IdentityApiCommand {
    }
}
