package dev.kms.node;

/**
 * A subcommand of {@code kms} that another module on the class path provides, found through
 * {@link java.util.ServiceLoader}: a picocli {@code @Command} object whose root command is a {@link CommandHost}.
 * This is how {@code kms server} (kms-server) joins the CLI, which does not depend on the server at compile time.
 */
public interface ProvidedCommand {
}
