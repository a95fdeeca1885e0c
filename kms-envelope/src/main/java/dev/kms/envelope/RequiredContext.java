package dev.kms.envelope;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a caller demands of a message's encryption context before it is decrypted, as the Encryption SDK's CLI
 * takes it on decrypt: pairs that must be present with these values, and keys that must be present at all.
 * The message may hold more.
 */
public final class RequiredContext {
    private static final RequiredContext NONE = new RequiredContext(Map.of(), Set.of());

    private final Map<String, String> pairs;
    private final Set<String> keys;

    private RequiredContext(Map<String, String> pairs, Set<String> keys) {
        this.pairs = new TreeMap<>(pairs);
        this.keys = new TreeSet<>(keys);
    }

    public static RequiredContext of(Map<String, String> pairs, Set<String> keys) {
        return new RequiredContext(pairs, keys);
    }

    public static RequiredContext none() {
        return NONE;
    }

    /** Refuses {@code context} unless it holds every required pair and key. */
    void check(Map<String, String> context) {
        List<String> missing = new ArrayList<>();
        pairs.forEach((key, value) -> {
            if (!value.equals(context.get(key))) {
                missing.add(key + "=" + value);
            }
        });
        keys.forEach(key -> {
            if (!context.containsKey(key)) {
                missing.add(key);
            }
        });
        if (!missing.isEmpty()) {
            throw new KmsException(ErrorCode.INVALID_CIPHERTEXT, "The message's encryption context does not contain "
                    + "the required " + String.join(", ", missing) + "; nothing was decrypted");
        }
    }
}
