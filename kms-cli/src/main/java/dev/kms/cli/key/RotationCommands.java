package dev.kms.cli.key;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Rotation commands: aws kms enable/disable-key-rotation, get-key-rotation-status, rotate-key-on-demand, list-key-rotations. */
public final class RotationCommands {
    private RotationCommands() {
    }

    @Command(name = "enable-key-rotation", mixinStandardHelpOptions = true,
            description = "Rotates the key automatically every 90 to 2560 days (default 365).")
    public static final class EnableKeyRotation extends KeyCommands.KeyIdCommand {
        @Option(names = "--rotation-period-in-days")
        Integer rotationPeriodInDays;
    }

    @Command(name = "disable-key-rotation", mixinStandardHelpOptions = true, description = "Stops automatic rotation.")
    public static final class DisableKeyRotation extends KeyCommands.KeyIdCommand {
    }

    @Command(name = "get-key-rotation-status", mixinStandardHelpOptions = true,
            description = "Shows whether, how often and when next a key rotates.")
    public static final class GetKeyRotationStatus extends KeyCommands.KeyIdCommand {
    }

    @Command(name = "rotate-key-on-demand", mixinStandardHelpOptions = true,
            description = "Rotates a key now (at most 25 times per key); old ciphertexts still decrypt.")
    public static final class RotateKeyOnDemand extends KeyCommands.KeyIdCommand {
    }

    @Command(name = "list-key-rotations", mixinStandardHelpOptions = true, description = "Lists the rotations of a key.")
    public static final class ListKeyRotations extends PaginatedCommand {
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
