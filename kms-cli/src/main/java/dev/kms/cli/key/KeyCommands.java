package dev.kms.cli.key;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.kms.cli.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

/** Key lifecycle commands: aws kms create-key, describe-key, list-keys, ... cancel-key-deletion. */
public final class KeyCommands {
    private KeyCommands() {
    }

    @Command(name = "create-key", mixinStandardHelpOptions = true,
            description = "Creates a key whose material is generated, and stays, inside the HSM.")
    public static final class CreateKey extends ApiCommand {
        @Option(names = "--policy", converter = Params.Text.class, description = "Key policy (JSON or file://PATH)")
        String policy;
        @Option(names = "--description", converter = Params.Text.class)
        String description;
        @Option(names = "--key-usage", description = "ENCRYPT_DECRYPT (default)")
        String keyUsage;
        @Option(names = "--customer-master-key-spec", hidden = true)
        String customerMasterKeySpec;
        @Option(names = "--key-spec", description = "SYMMETRIC_DEFAULT (default)")
        String keySpec;
        @Option(names = "--origin", description = "AWS_KMS (default)")
        String origin;
        @Option(names = "--bypass-policy-lockout-safety-check", negatable = true)
        Boolean bypassPolicyLockoutSafetyCheck;
        @Option(names = "--tags", arity = "1..*", converter = Params.Tags.class, paramLabel = "TagKey=K,TagValue=V",
                description = "Tags: TagKey=K,TagValue=V ... or JSON [{\"TagKey\":\"K\",\"TagValue\":\"V\"}]")
        List<ArrayNode> tags;
        @Option(names = "--multi-region", negatable = true)
        Boolean multiRegion;
    }

    @Command(name = "describe-key", mixinStandardHelpOptions = true, description = "Shows a key's metadata.")
    public static final class DescribeKey extends ApiCommand {
        @Mixin
        KeyIdOption keyId;
        @Option(names = "--grant-tokens", arity = "1..*", converter = Params.Strings.class)
        List<ArrayNode> grantTokens;
    }

    @Command(name = "list-keys", mixinStandardHelpOptions = true, description = "Lists the keys of the account.")
    public static final class ListKeys extends PaginatedCommand {
        @Override
        String resultKey() {
            return "Keys";
        }

        @Override
        int maxPageSize() {
            return 1000;
        }
    }

    @Command(name = "update-key-description", mixinStandardHelpOptions = true, description = "Changes a key's description.")
    public static final class UpdateKeyDescription extends ApiCommand {
        @Mixin
        KeyIdOption keyId;
        @Option(names = "--description", required = true, converter = Params.Text.class)
        String description;
    }

    /** A command about one key, named by --key-id. */
    abstract static class KeyIdCommand extends ApiCommand {
        @Mixin
        KeyIdOption keyId;
    }

    @Command(name = "enable-key", mixinStandardHelpOptions = true, description = "Enables a disabled key.")
    public static final class EnableKey extends KeyIdCommand {
    }

    @Command(name = "disable-key", mixinStandardHelpOptions = true, description = "Disables a key: it refuses crypto until enabled.")
    public static final class DisableKey extends KeyIdCommand {
    }

    @Command(name = "schedule-key-deletion", mixinStandardHelpOptions = true,
            description = "Schedules a key for deletion after 7 to 30 days (default 30).")
    public static final class ScheduleKeyDeletion extends KeyIdCommand {
        @Option(names = "--pending-window-in-days")
        Integer pendingWindowInDays;
    }

    @Command(name = "cancel-key-deletion", mixinStandardHelpOptions = true,
            description = "Cancels a scheduled deletion; the key is left Disabled.")
    public static final class CancelKeyDeletion extends KeyIdCommand {
    }
}
