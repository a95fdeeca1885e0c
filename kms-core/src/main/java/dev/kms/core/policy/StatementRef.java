package dev.kms.core.policy;

/** Names one statement of one policy, for explanations: {@code key policy Statement[0] "Enable IAM User Permissions"}. */
public record StatementRef(String policyName, int index, String sid) {
    @Override
    public String toString() {
        return policyName + " Statement[" + index + "]" + (sid == null || sid.isEmpty() ? "" : " \"" + sid + "\"");
    }
}
