package dev.kms.cli.key;

import picocli.CommandLine.Option;

/** The required {@code --key-id} of the commands about one key, as a picocli mixin. */
final class KeyIdOption {
    @Option(names = "--key-id", required = true, description = "Key id, key ARN, alias name or alias ARN")
    String keyId;
}
