package dev.kms.cli.key;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.kms.cli.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

/** Tag commands: aws kms tag-resource, untag-resource, list-resource-tags. */
public final class TagCommands {
    private TagCommands() {
    }

    @Command(name = "tag-resource", mixinStandardHelpOptions = true, description = "Adds or replaces tags of a key.")
    public static final class TagResource extends ApiCommand {
        @Mixin
        KeyIdOption keyId;
        @Option(names = "--tags", required = true, arity = "1..*", converter = Params.Tags.class,
                paramLabel = "TagKey=K,TagValue=V", description = "TagKey=K,TagValue=V ... or JSON")
        List<ArrayNode> tags;
    }

    @Command(name = "untag-resource", mixinStandardHelpOptions = true, description = "Removes tags from a key.")
    public static final class UntagResource extends ApiCommand {
        @Mixin
        KeyIdOption keyId;
        @Option(names = "--tag-keys", required = true, arity = "1..*", converter = Params.Strings.class,
                paramLabel = "KEY", description = "Tag keys: K1 K2 ... or a JSON array")
        List<ArrayNode> tagKeys;
    }

    @Command(name = "list-resource-tags", mixinStandardHelpOptions = true, description = "Lists the tags of a key.")
    public static final class ListResourceTags extends PaginatedCommand {
        @Mixin
        KeyIdOption keyId;

        @Override
        String resultKey() {
            return "Tags";
        }

        @Override
        int maxPageSize() {
            return 50;
        }
    }
}
