package dev.kms.core.service;

import dev.kms.core.identity.Principal;
import dev.kms.core.policy.NamedPolicy;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The principals of a deployment whose only principals are its account roots: they exist and need no
 * identity policies. Deployments with users and roles use the identity store's directory instead.
 */
public final class AccountRootsDirectory implements PrincipalDirectory {
    private static final Pattern ROOT_ARN = Pattern.compile("arn:[^:]+:iam::(\\d{12}):root");

    private final Set<String> accounts;

    public AccountRootsDirectory(String... accountIds) {
        this.accounts = Set.of(accountIds);
    }

    @Override
    public List<NamedPolicy> identityPolicies(Principal principal) {
        return List.of();
    }

    @Override
    public boolean exists(String principalArn) {
        Matcher root = ROOT_ARN.matcher(principalArn);
        return accounts.contains(principalArn) || root.matches() && accounts.contains(root.group(1));
    }
}
