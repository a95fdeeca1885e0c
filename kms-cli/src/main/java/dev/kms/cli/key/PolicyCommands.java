package dev.kms.cli.key;

import dev.kms.cli.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Key policy commands: aws kms get-key-policy, put-key-policy, list-key-policies. */
public final class PolicyCommands {
    private PolicyCommands() {
    }

    @Command(name = "get-key-policy", mixinStandardHelpOptions = true, description = "Shows a key's policy.")
    public static final class GetKeyPolicy extends KeyCommands.KeyIdCommand {
        @Option(names = "--policy-name", description = "default (the only policy a key has)")
        String policyName;
    }

    @Command(name = "put-key-policy", mixinStandardHelpOptions = true,
            description = "Replaces a key's policy; refused if it would lock you out, unless the check is bypassed.")
    public static final class PutKeyPolicy extends KeyCommands.KeyIdCommand {
        @Option(names = "--policy-name", description = "default (the only policy a key has)")
        String policyName;
        @Option(names = "--policy", required = true, converter = Params.Text.class, description = "Key policy (JSON or file://PATH)")
        String policy;
        @Option(names = "--bypass-policy-lockout-safety-check", negatable = true)
        Boolean bypassPolicyLockoutSafetyCheck;
    }

    @Command(name = "list-key-policies", mixinStandardHelpOptions = true, description = "Lists the names of a key's policies.")
    public static final class ListKeyPolicies extends PaginatedCommand {
        @Mixin
        KeyIdOption keyId;

        @Override
        String resultKey() {
            return "PolicyNames";
        }

        @Override
        int maxPageSize() {
            return 1000;
        }
    }
}
