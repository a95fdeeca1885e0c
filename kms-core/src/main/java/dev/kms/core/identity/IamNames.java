package dev.kms.core.identity;

import dev.kms.core.error.KmsException;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.regex.Pattern;

/** IAM's naming rules and id formats in one place: names, ids, ARNs. */
final class IamNames {
    static final int MAX_USER_NAME = 64;
    static final int MAX_ROLE_NAME = 64;
    static final int MAX_POLICY_NAME = 128;
    static final String USER_KEY_PREFIX = "AKIA";
    static final String TEMPORARY_KEY_PREFIX = "ASIA";
    static final String USER_ID_PREFIX = "AIDA";
    static final String ROLE_ID_PREFIX = "AROA";
    static final String SERVICE_ID_PREFIX = "AIDS";
    static final int MAX_SERVICE_NAME = 128;

    private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]+");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    /** SERVICE.REGION...: the first label names the service, so alias/aws/SERVICE is found from it. */
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)+");
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern ACCESS_KEY_ID = Pattern.compile("(AKIA|ASIA)[A-Z0-9]{16}");
    private static final char[] ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private IamNames() {
    }

    static void requireAccountId(String accountId) {
        if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
            throw new IllegalArgumentException("accountId must be 12 digits");
        }
    }

    static void requireName(String field, String name, int maxLength) {
        if (name == null || name.length() > maxLength || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(field + " must be 1.." + maxLength + " of letters, digits and +=,.@_-");
        }
    }

    static void requireSessionName(String sessionName) {
        if (sessionName == null || !SESSION_NAME.matcher(sessionName).matches()) {
            throw new IllegalArgumentException("sessionName must be 2..64 of letters, digits and +=,.@_-");
        }
    }

    static void requireServiceName(String serviceName) {
        if (!isServiceName(serviceName)) {
            throw new IllegalArgumentException("serviceName must be dot-separated labels of lowercase letters, digits "
                    + "and dashes, at least two, at most " + MAX_SERVICE_NAME + " characters");
        }
    }

    static boolean isServiceName(String text) {
        return text != null && text.length() <= MAX_SERVICE_NAME && SERVICE_NAME.matcher(text).matches();
    }

    static void validateServiceName(String serviceName) {
        if (serviceName == null || serviceName.isEmpty()) {
            throw KmsException.validation("serviceName", "Member must have length greater than or equal to 1");
        }
        if (!isServiceName(serviceName)) {
            throw KmsException.validation("serviceName", "Member must be a service endpoint name such as "
                    + "backup.us-east-1.kms.local: at least two dot-separated labels of lowercase letters, digits "
                    + "and dashes, at most " + MAX_SERVICE_NAME + " characters");
        }
    }

    /** The request-level check, with the ValidationException IAM sends. */
    static void validateName(String field, String name, int maxLength) {
        if (name == null || name.isEmpty()) {
            throw KmsException.validation(field, "Member must have length greater than or equal to 1");
        }
        if (name.length() > maxLength) {
            throw KmsException.validation(field, "Member must have length less than or equal to " + maxLength);
        }
        if (!NAME.matcher(name).matches()) {
            throw KmsException.validation(field, "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
        }
    }

    static void validateSessionName(String sessionName) {
        if (sessionName == null || sessionName.length() < 2 || sessionName.length() > 64) {
            throw KmsException.validation("roleSessionName", "Member must have length between 2 and 64");
        }
        if (!SESSION_NAME.matcher(sessionName).matches()) {
            throw KmsException.validation("roleSessionName", "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        }
    }

    static boolean isAccountId(String text) {
        return text != null && ACCOUNT_ID.matcher(text).matches();
    }

    static boolean isAccessKeyId(String text) {
        return text != null && ACCESS_KEY_ID.matcher(text).matches();
    }

    /** IAM names are unique per account regardless of case; stores key them by this form. */
    static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** A prefix and 16 random uppercase letters and digits: access key ids, user and role ids. */
    static String newId(String prefix) {
        char[] id = new char[prefix.length() + 16];
        prefix.getChars(0, prefix.length(), id, 0);
        for (int i = prefix.length(); i < id.length; i++) {
            id[i] = ID_CHARS[RANDOM.nextInt(ID_CHARS.length)];
        }
        return new String(id);
    }

    /** A random 12-digit account id, never starting with 0 so it survives being read as a number. */
    static String newAccountId() {
        StringBuilder id = new StringBuilder(12).append((char) ('1' + RANDOM.nextInt(9)));
        while (id.length() < 12) {
            id.append((char) ('0' + RANDOM.nextInt(10)));
        }
        return id.toString();
    }

    static String userArn(String partition, String accountId, String userName) {
        return "arn:" + partition + ":iam::" + accountId + ":user/" + userName;
    }

    static String roleArn(String partition, String accountId, String roleName) {
        return "arn:" + partition + ":iam::" + accountId + ":role/" + roleName;
    }

    static String rootArn(String partition, String accountId) {
        return "arn:" + partition + ":iam::" + accountId + ":root";
    }

    static String sessionArn(String partition, String accountId, String roleName, String sessionName) {
        return "arn:" + partition + ":sts::" + accountId + ":assumed-role/" + roleName + "/" + sessionName;
    }

    /**
     * The parts of an IAM or STS principal ARN: {@code arn:PARTITION:SERVICE::ACCOUNT:RESOURCE}, or null when
     * the text is not one. Paths ({@code user/PATH/NAME}) are not supported: the name is the last element.
     */
    static ParsedArn parse(String arn) {
        if (arn == null) {
            return null;
        }
        String[] parts = arn.split(":", 6);
        if (parts.length != 6 || !parts[0].equals("arn") || !parts[3].isEmpty() || !isAccountId(parts[4])) {
            return null;
        }
        return new ParsedArn(parts[1], parts[2], parts[4], parts[5]);
    }

    record ParsedArn(String partition, String service, String accountId, String resource) {
        /** For {@code TYPE/NAME} resources of {@code service}, NAME; otherwise null. */
        String name(String expectedService, String type) {
            if (!service.equals(expectedService) || !resource.startsWith(type + "/")) {
                return null;
            }
            String name = resource.substring(type.length() + 1);
            return name.isEmpty() || name.contains("/") ? null : name;
        }

        /** For {@code sts} {@code assumed-role/ROLE/SESSION}, {ROLE, SESSION}; otherwise null. */
        String[] session() {
            if (!service.equals("sts") || !resource.startsWith("assumed-role/")) {
                return null;
            }
            String[] names = resource.substring("assumed-role/".length()).split("/", -1);
            return names.length == 2 && !names[0].isEmpty() && !names[1].isEmpty() ? names : null;
        }
    }
}
