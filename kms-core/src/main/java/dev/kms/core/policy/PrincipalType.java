package dev.kms.core.policy;

/** What kind of principal makes a request; it decides which policy principals name the caller. */
public enum PrincipalType {
    /** {@code arn:PARTITION:iam::ACCOUNT:root}, the account itself. */
    ROOT,
    /** {@code arn:PARTITION:iam::ACCOUNT:user/NAME}. */
    USER,
    /** {@code arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION}, a session of a role. */
    ASSUMED_ROLE,
    /** A service principal calling on its own behalf, named like {@code cloudtrail.amazonaws.com}. */
    SERVICE;

    /** The type of the principal an ARN (or service name) denotes. */
    public static PrincipalType of(String principalArn) {
        String[] parts = principalArn.split(":", 6);
        if (parts.length == 6 && parts[0].equals("arn")) {
            if (parts[2].equals("iam") && parts[5].equals("root")) {
                return ROOT;
            }
            if (parts[2].equals("iam") && parts[5].startsWith("user/")) {
                return USER;
            }
            if (parts[2].equals("sts") && parts[5].startsWith("assumed-role/")) {
                return ASSUMED_ROLE;
            }
            throw new IllegalArgumentException("not a caller principal ARN: " + principalArn);
        }
        if (principalArn.isEmpty() || principalArn.contains(":") || principalArn.contains("/")) {
            throw new IllegalArgumentException("not a principal ARN or service name: " + principalArn);
        }
        return SERVICE;
    }
}
