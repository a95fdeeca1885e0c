package dev.kms.cli.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.cli.KmsSession;
import dev.kms.core.identity.Account;
import dev.kms.core.identity.RequestContext;
import picocli.CommandLine.Command;

/**
 * {@code kms account create|list}: the deployment's accounts; only the deployment account's root may call them.
 * Audited as AWS Organizations' CreateAccount and ListAccounts (eventSource organizations.amazonaws.com).
 */
@Command(name = "account", mixinStandardHelpOptions = true, description = "The deployment's accounts.",
        subcommands = {AccountCommands.Create.class, AccountCommands.ListAccounts.class})
public final class AccountCommands {
    private AccountCommands() {
    }

    private static final String ORGANIZATIONS = "organizations.amazonaws.com";

    static ObjectNode account(KmsSession session, Account account) {
        ObjectNode node = IdentityCommand.object();
        node.put("Id", account.accountId());
        node.put("Arn", "arn:" + session.kms().deployment().partition() + ":iam::" + account.accountId() + ":root");
        node.put("CreateDate", IdentityCommand.date(account.created()));
        return node;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates an account with a new 12-digit id.")
    static final class Create extends IdentityCommand {
        @Override
        String eventSource() {
            return ORGANIZATIONS;
        }

        @Override
        String eventName() {
            return "CreateAccount";
        }

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            ObjectNode out = object();
            out.set("Account", account(session, session.identity().iam().createAccount(caller)));
            return out;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the accounts.")
    static final class ListAccounts extends IdentityCommand {
        @Override
        String eventSource() {
            return ORGANIZATIONS;
        }

        @Override
        String eventName() {
            return "ListAccounts";
        }

        @Override
        JsonNode run(KmsSession session, RequestContext caller) {
            ObjectNode out = object();
            ArrayNode accounts = out.putArray("Accounts");
            session.identity().iam().listAccounts(caller).forEach(a -> accounts.add(account(session, a)));
            return out;
        }
    }
}
