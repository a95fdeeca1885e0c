package dev.kms.cli.identity;

import dev.kms.cli.Params;
import dev.kms.core.identity.AccessKeyStatus;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

import java.util.List;

/**
 * The IAM and STS actions whose commands are nothing but their options, as a table: each row is one command of
 * {@code kms iam} or {@code kms sts}, named and flagged as {@code aws} names them, and run as
 * {@link IdentityApiCommand} runs any action. Commands that do more (an access key of a user or of a service,
 * the integrated services, simulate-principal-policy) are classes of {@link IamCommands}.
 */
public enum IdentityActions {
    CREATE_USER("iam", "create-user", "Creates a user.", Flag.USER_NAME),
    GET_USER("iam", "get-user", "Shows a user.", Flag.USER_NAME),
    LIST_USERS("iam", "list-users", "Lists the account's users."),
    DELETE_USER("iam", "delete-user", "Deletes a user that has no access keys and no policies.", Flag.USER_NAME),
    UPDATE_ACCESS_KEY("iam", "update-access-key", "Activates or deactivates an access key.", Flag.USER_NAME,
            Flag.ACCESS_KEY_ID, Flag.STATUS),
    PUT_USER_POLICY("iam", "put-user-policy", "Adds or replaces an inline identity policy of a user.",
            Flag.USER_NAME, Flag.POLICY_NAME, Flag.POLICY_DOCUMENT),
    GET_USER_POLICY("iam", "get-user-policy", "Shows an inline policy of a user.", Flag.USER_NAME, Flag.POLICY_NAME),
    LIST_USER_POLICIES("iam", "list-user-policies", "Lists the names of a user's inline policies.", Flag.USER_NAME),
    DELETE_USER_POLICY("iam", "delete-user-policy", "Deletes an inline policy of a user.", Flag.USER_NAME,
            Flag.POLICY_NAME),
    CREATE_ROLE("iam", "create-role", "Creates a role that the principals its trust policy names may assume.",
            Flag.ROLE_NAME, Flag.ASSUME_ROLE_POLICY_DOCUMENT, Flag.MAX_SESSION_DURATION),
    GET_ROLE("iam", "get-role", "Shows a role.", Flag.ROLE_NAME),
    LIST_ROLES("iam", "list-roles", "Lists the account's roles."),
    DELETE_ROLE("iam", "delete-role", "Deletes a role that has no policies.", Flag.ROLE_NAME),
    PUT_ROLE_POLICY("iam", "put-role-policy", "Adds or replaces an inline identity policy of a role.",
            Flag.ROLE_NAME, Flag.POLICY_NAME, Flag.POLICY_DOCUMENT),
    GET_ROLE_POLICY("iam", "get-role-policy", "Shows an inline policy of a role.", Flag.ROLE_NAME, Flag.POLICY_NAME),
    LIST_ROLE_POLICIES("iam", "list-role-policies", "Lists the names of a role's inline policies.", Flag.ROLE_NAME),
    DELETE_ROLE_POLICY("iam", "delete-role-policy", "Deletes an inline policy of a role.", Flag.ROLE_NAME,
            Flag.POLICY_NAME),
    ASSUME_ROLE("sts", "assume-role",
            "Credentials of a session of a role whose trust policy lets the caller in; shown this once.",
            Flag.ROLE_ARN, Flag.ROLE_SESSION_NAME, Flag.DURATION_SECONDS),
    GET_CALLER_IDENTITY("sts", "get-caller-identity", "Who the credentials in use belong to: account, ARN and unique id.");

    /** The options of the table's commands; each becomes the action's parameter of the same name (UserName). */
    enum Flag {
        USER_NAME("--user-name", true, String.class, null, null),
        ROLE_NAME("--role-name", true, String.class, null, null),
        POLICY_NAME("--policy-name", true, String.class, null, null),
        POLICY_DOCUMENT("--policy-document", true, String.class, new Params.Text(), "The policy: JSON or file://PATH"),
        ASSUME_ROLE_POLICY_DOCUMENT("--assume-role-policy-document", true, String.class, new Params.Text(),
                "The trust policy: JSON or file://PATH"),
        MAX_SESSION_DURATION("--max-session-duration", false, Integer.class, null, "Seconds, 3600 (default) to 43200"),
        ACCESS_KEY_ID("--access-key-id", true, String.class, null, null),
        STATUS("--status", true, AccessKeyStatus.class, null, "${COMPLETION-CANDIDATES}"),
        ROLE_ARN("--role-arn", true, String.class, null, null),
        ROLE_SESSION_NAME("--role-session-name", true, String.class, null, null),
        DURATION_SECONDS("--duration-seconds", false, Integer.class, null,
                "900 to the role's MaxSessionDuration; default 3600");

        private final String name;
        private final boolean required;
        private final Class<?> type;
        private final ITypeConverter<?> converter;
        private final String description;

        Flag(String name, boolean required, Class<?> type, ITypeConverter<?> converter, String description) {
            this.name = name;
            this.required = required;
            this.type = type;
            this.converter = converter;
            this.description = description;
        }

        OptionSpec option() {
            String label = Params.pascalCase(name.substring(2));
            OptionSpec.Builder option = OptionSpec.builder(name).required(required).type(type)
                    .paramLabel("<" + Character.toLowerCase(label.charAt(0)) + label.substring(1) + ">");
            if (converter != null) {
                option.converters(converter);
            }
            if (description != null) {
                option.description(description);
            }
            return option.build();
        }
    }

    private final String service;
    private final String command;
    private final String description;
    private final List<Flag> flags;

    IdentityActions(String service, String command, String description, Flag... flags) {
        this.service = service;
        this.command = command;
        this.description = description;
        this.flags = List.of(flags);
    }

    /** Adds each row's command to its group ({@code kms iam}, {@code kms sts}) of {@code root}. */
    public static void addTo(CommandLine root) {
        for (IdentityActions row : values()) {
            IdentityApiCommand command = new IdentityApiCommand();
            CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(row.command)
                    .mixinStandardHelpOptions(true);
            spec.usageMessage().description(row.description);
            row.flags.forEach(flag -> spec.addOption(flag.option()));
            command.spec = spec;
            root.getSubcommands().get(row.service).addSubcommand(row.command, new CommandLine(spec));
        }
    }
}
