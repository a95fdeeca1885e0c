package dev.kms.core.policy;

/** How a statement's Principal/NotPrincipal relates to the caller. */
public enum PrincipalMatch {
    /** The statement does not apply to the caller. */
    NO_MATCH,
    /** The statement names the caller itself (its ARN, its role, "*", or excludes it from NotPrincipal). */
    CALLER,
    /**
     * The statement names the caller's account (its id or root ARN) while the caller is a user or role
     * session of it: in a key policy, this delegates the decision to the account's identity policies.
     */
    ACCOUNT_DELEGATION,
    /** An identity policy statement, which applies to the principal the policy is attached to. */
    IMPLIED
}
