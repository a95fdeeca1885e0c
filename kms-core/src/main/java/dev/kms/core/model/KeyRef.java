package dev.kms.core.model;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A KeyId parameter as AWS reads it: a key id, a key ARN, an alias name ({@code alias/NAME}) or an alias ARN. An ARN
 * carries its partition, region and account; {@code resource} is {@code key/ID} or {@code alias/NAME} for ARNs, and
 * the text itself otherwise. The API edge parses each KeyId member once; the key service takes the result.
 */
public record KeyRef(Kind kind, String text, String partition, String region, String accountId, String resource) {
    private static final Pattern ARN = Pattern.compile("arn:([^:]+):kms:([^:]+):(\\d{12}):((key|alias)/.+)");

    /** AWS's limit on a KeyId member. */
    public static final int MAX_LENGTH = 2048;

    /** The four forms. */
    public enum Kind { KEY_ID, KEY_ARN, ALIAS_NAME, ALIAS_ARN }

    /**
     * Reads the request member {@code field}: ValidationException when it is empty or longer than AWS allows,
     * InvalidArnException for an {@code arn:} that is no KMS key or alias ARN.
     */
    public static KeyRef parse(String text, String field) {
        if (text.isEmpty()) {
            throw KmsException.validation(field, "Member must have length greater than or equal to 1");
        }
        if (text.length() > MAX_LENGTH) {
            throw KmsException.validation(field, "Member must have length less than or equal to " + MAX_LENGTH);
        }
        if (text.startsWith("arn:")) {
            Matcher m = ARN.matcher(text);
            if (!m.matches()) {
                throw new KmsException(ErrorCode.INVALID_ARN, "Invalid arn " + text);
            }
            Kind kind = m.group(5).equals("key") ? Kind.KEY_ARN : Kind.ALIAS_ARN;
            return new KeyRef(kind, text, m.group(1), m.group(2), m.group(3), m.group(4));
        }
        return new KeyRef(text.startsWith("alias/") ? Kind.ALIAS_NAME : Kind.KEY_ID, text, null, null, null, text);
    }

    /** A key the service itself names by id (an alias's target, a key of the store), not a caller's text. */
    public static KeyRef ofKeyId(String keyId) {
        return new KeyRef(Kind.KEY_ID, keyId, null, null, null, keyId);
    }

    public boolean isArn() {
        return kind == Kind.KEY_ARN || kind == Kind.ALIAS_ARN;
    }

    /** The alias this names ({@code alias/NAME}, for kms:RequestAlias), or null when it names a key. */
    public String aliasName() {
        return kind == Kind.ALIAS_NAME || kind == Kind.ALIAS_ARN ? resource : null;
    }

    /** The key id this names directly, or null for an alias. */
    public String keyId() {
        return switch (kind) {
            case KEY_ID -> text;
            case KEY_ARN -> resource.substring("key/".length());
            default -> null;
        };
    }
}
