package dev.kms.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Rotation commands: aws kms enable/disable-key-rotation, get-key-rotation-status, rotate-key-on-demand, list-key-rotations. */
final class RotationCommands {
    private RotationCommands() {
    }

    @Command(name = "enable-key-rotation", mixinStandardHelpOptions = true,
            description = "Rotates the key automatically every 90 to 2560 days (default 365).")
    static final class EnableKeyRotation extends KeyCommands.KeyIdCommand {
        @Option(names = "--rotation-period-in-days")
        Integer rotationPeriodInDays;
    }

    @Command(name = "disable-key-rotation", mixinStandardHelpOptions = true, description = "Stops automatic rotation.")
    static final class DisableKeyRotation extends KeyCommands.KeyIdCommand {
    }

    @Command(name = "get-key-rotation-status", mixinStandardHelpOptions = true,
            description = "Shows whether, how often and when next a key rotates.")
    static final class GetKeyRotationStatus extends KeyCommands.KeyIdCommand {
    }

    @Command(name = "rotate-key-on-demand", mixinStandardHelpOptions = true,
            description = "Rotates a key now (at most 25 times per key); old ciphertexts still decrypt.")
    static final class RotateKeyOnDemand extends KeyCommands.KeyIdCommand {
    }

    @Command(name = "list-key-rotations", mixinStandardHelpOptions = true, description = "Lists the rotations of a key.")
    static final class ListKeyRotations extends PaginatedCommand {
        @Mixin
        KeyIdOption keyId;

        @Override
        String resultKey() {
            return "Rotations";
        }

        @Override
        int maxPageSize() {
            return 1000;
        }
    }
}
