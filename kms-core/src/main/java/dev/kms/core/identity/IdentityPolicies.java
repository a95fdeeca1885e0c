package dev.kms.core.identity;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.policy.CachingPolicyParser;
import dev.kms.core.policy.NamedPolicy;
import dev.kms.core.policy.Policy;
import dev.kms.core.policy.PolicyKind;
import dev.kms.core.policy.PrincipalType;
import dev.kms.core.port.IdentityStore;
import dev.kms.core.port.PolicyParser;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The parsed inline policies of a principal, named {@code user/NAME: POLICY} or {@code role/NAME: POLICY}. */
final class IdentityPolicies {
    private final IdentityStore store;
    private final PolicyParser parser;

    IdentityPolicies(IdentityStore store, PolicyParser parser) {
        this.store = store;
        this.parser = new CachingPolicyParser(parser);
    }

    /**
     * A user's policies, or for a role session those of its role; none for the root, services and principals
     * that no longer exist. Works from the ARN alone, so callers may pass a principal without ids.
     */
    List<NamedPolicy> of(String principalArn, PrincipalType type) {
        IamNames.ParsedArn arn = IamNames.parse(principalArn);
        if (arn == null) {
            return List.of();
        }
        try {
            if (type == PrincipalType.USER) {
                String user = arn.name("iam", "user");
                return user == null ? List.of() : named("user/" + user, store.listUserPolicies(arn.accountId(), user));
            }
            if (type == PrincipalType.ASSUMED_ROLE) {
                String[] session = arn.session();
                return session == null ? List.of()
                        : named("role/" + session[0], store.listRolePolicies(arn.accountId(), session[0]));
            }
        } catch (KmsException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return List.of();
            }
            throw e;
        }
        return List.of();
    }

    private List<NamedPolicy> named(String owner, List<InlinePolicy> policies) {
        List<NamedPolicy> result = new ArrayList<>(policies.size());
        for (InlinePolicy p : policies) {
            result.add(new NamedPolicy(owner + ": " + p.policyName(), parse(p.document())));
        }
        return result;
    }

    private Policy parse(String document) {
        return parser.parse(document, PolicyKind.IDENTITY);
    }
}
