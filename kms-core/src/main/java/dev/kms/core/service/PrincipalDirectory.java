package dev.kms.core.service;

import dev.kms.core.identity.Principal;
import dev.kms.core.policy.NamedPolicy;

import java.util.List;

/** What authorization needs from the identity store: a caller's identity policies, and who exists. */
public interface PrincipalDirectory {

    /** The identity policies of a principal: a user's own, or for a role session those of its role. */
    List<NamedPolicy> identityPolicies(Principal principal);

    /** Whether a principal a policy names exists: an account (id or root ARN), a user or a role. */
    boolean exists(String principalArn);
}
