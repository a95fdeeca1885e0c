package dev.kms.cli.identity;

import picocli.CommandLine.Command;

/**
 * {@code kms sts}: temporary credentials and the caller's identity, as {@code aws sts}, on KMS_HOME or a server; its
 * commands are rows of {@link IdentityActions}.
 */
@Command(name = "sts", mixinStandardHelpOptions = true, description = "Temporary credentials, as `aws sts`.")
public final class StsCommands {
    private StsCommands() {
    }
}
