package dev.kms.core.fake;

import dev.kms.core.identity.Principal;
import dev.kms.core.policy.NamedPolicy;
import dev.kms.core.policy.PolicyKind;
import dev.kms.core.policy.TestJson;
import dev.kms.core.service.PrincipalDirectory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Principals and identity policies registered by a test; account roots of the given accounts exist. */
public final class FakePrincipalDirectory implements PrincipalDirectory {
    private final Set<String> accounts;
    private final Set<String> principals = ConcurrentHashMap.newKeySet();
    private final Map<String, List<NamedPolicy>> policies = new ConcurrentHashMap<>();

    public FakePrincipalDirectory(String... accounts) {
        this.accounts = Set.of(accounts);
    }

    /** Registers a user or role ARN, with inline identity policies given as JSON documents. */
    public FakePrincipalDirectory principal(String arn, String... identityPolicies) {
        principals.add(arn);
        List<NamedPolicy> named = new ArrayList<>();
        for (int i = 0; i < identityPolicies.length; i++) {
            named.add(new NamedPolicy(arn + ": policy" + i, TestJson.policy(identityPolicies[i], PolicyKind.IDENTITY)));
        }
        policies.put(arn, List.copyOf(named));
        return this;
    }

    @Override
    public List<NamedPolicy> identityPolicies(Principal principal) {
        return policies.getOrDefault(principal.arn(), List.of());
    }

    @Override
    public boolean exists(String principalArn) {
        if (accounts.contains(principalArn)) {
            return true;
        }
        for (String account : accounts) {
            if (principalArn.endsWith(":iam::" + account + ":root")) {
                return true;
            }
        }
        return principals.contains(principalArn);
    }
}
