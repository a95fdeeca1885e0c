package dev.kms.cli.key;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Alias commands: aws kms create-alias, update-alias, delete-alias, list-aliases. */
public final class AliasCommands {
    private AliasCommands() {
    }

    @Command(name = "create-alias", mixinStandardHelpOptions = true, description = "Creates an alias/NAME for a key.")
    public static final class CreateAlias extends ApiCommand {
        @Option(names = "--alias-name", required = true, description = "alias/NAME")
        String aliasName;
        @Option(names = "--target-key-id", required = true)
        String targetKeyId;
    }

    @Command(name = "update-alias", mixinStandardHelpOptions = true, description = "Points an alias at another key.")
    public static final class UpdateAlias extends ApiCommand {
        @Option(names = "--alias-name", required = true)
        String aliasName;
        @Option(names = "--target-key-id", required = true)
        String targetKeyId;
    }

    @Command(name = "delete-alias", mixinStandardHelpOptions = true, description = "Deletes an alias; the key stays.")
    public static final class DeleteAlias extends ApiCommand {
        @Option(names = "--alias-name", required = true)
        String aliasName;
    }

    @Command(name = "list-aliases", mixinStandardHelpOptions = true, description = "Lists aliases, of one key or all.")
    public static final class ListAliases extends PaginatedCommand {
        @Option(names = "--key-id")
        String keyId;

        @Override
        String resultKey() {
            return "Aliases";
        }

        @Override
        int maxPageSize() {
            return 100;
        }
    }
}
