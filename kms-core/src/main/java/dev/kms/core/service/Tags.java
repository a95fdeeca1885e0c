package dev.kms.core.service;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;

import java.util.Collection;
import java.util.Map;

/** The AWS rules for resource tags. */
final class Tags {
    static final int MAX_TAGS_PER_KEY = 50;
    private static final int MAX_KEY_LENGTH = 128;
    private static final int MAX_VALUE_LENGTH = 256;

    private Tags() {
    }

    static void validate(Map<String, String> tags) {
        tags.forEach((key, value) -> {
            validateKey(key);
            if (value == null || value.length() > MAX_VALUE_LENGTH) {
                throw new KmsException(ErrorCode.TAG, "Tag value of '" + key + "' must be 0 to " + MAX_VALUE_LENGTH + " characters.");
            }
        });
    }

    static void validateKeys(Collection<String> keys) {
        if (keys == null || keys.isEmpty()) {
            throw KmsException.validation("tagKeys", "Member must have at least 1 item");
        }
        keys.forEach(Tags::validateKey);
    }

    static void requireWithinLimit(Map<String, String> tags) {
        if (tags.size() > MAX_TAGS_PER_KEY) {
            throw new KmsException(ErrorCode.LIMIT_EXCEEDED,
                    "A key can have at most " + MAX_TAGS_PER_KEY + " tags; this request would leave " + tags.size() + ".");
        }
    }

    private static void validateKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new KmsException(ErrorCode.TAG, "Tag keys must be 1 to " + MAX_KEY_LENGTH + " characters.");
        }
        if (key.startsWith("aws:")) {
            throw new KmsException(ErrorCode.TAG, "Tag key '" + key + "' uses the reserved prefix aws:.");
        }
    }
}
