package dev.kms.core.policy;

/** The few facts about IAM/STS/KMS ARNs that policy evaluation needs; on the hot path, so no regexes. */
final class Arns {
    private Arns() {
    }

    /** The account field of an ARN, or null when the text is not an ARN. */
    static String account(String arn) {
        return field(arn, 4);
    }

    static String partition(String arn) {
        return field(arn, 1);
    }

    /** Field {@code index} (0..4) of {@code arn:partition:service:region:account:resource}, or null. */
    private static String field(String arn, int index) {
        if (!arn.startsWith("arn:")) {
            return null;
        }
        int start = 0;
        int end = -1;
        int colons = 0;
        for (int pos = arn.indexOf(':'); pos >= 0 && colons < 5; pos = arn.indexOf(':', pos + 1)) {
            if (colons == index - 1) {
                start = pos + 1;
            } else if (colons == index) {
                end = pos;
            }
            colons++;
        }
        return colons < 5 ? null : arn.substring(start, end);
    }

    static boolean isAccountId(String text) {
        if (text.length() != 12) {
            return false;
        }
        for (int i = 0; i < 12; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    static boolean isRootArn(String arn) {
        return arn.endsWith(":root") && "iam".equals(field(arn, 2));
    }

    /** For {@code arn:P:sts::A:assumed-role/ROLE/SESSION}, the role's name; otherwise null. */
    static String sessionRoleName(String sessionArn) {
        String[] parts = sessionArn.split(":", 6);
        if (parts.length != 6 || !parts[5].startsWith("assumed-role/")) {
            return null;
        }
        String[] resource = parts[5].split("/");
        return resource.length >= 3 ? resource[1] : null;
    }

    /** For {@code arn:P:iam::A:role/PATH/ROLE}, the role's name (the last path element); otherwise null. */
    static String roleName(String roleArn) {
        String[] parts = roleArn.split(":", 6);
        if (parts.length != 6 || !parts[2].equals("iam") || !parts[5].startsWith("role/")) {
            return null;
        }
        return parts[5].substring(parts[5].lastIndexOf('/') + 1);
    }

    /** The role ARN (without path, which a session ARN does not carry) of an assumed-role session. */
    static String sessionRoleArn(String sessionArn) {
        String role = sessionRoleName(sessionArn);
        return role == null ? null : "arn:" + partition(sessionArn) + ":iam::" + account(sessionArn) + ":role/" + role;
    }
}
