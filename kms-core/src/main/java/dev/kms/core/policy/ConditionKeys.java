package dev.kms.core.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The condition keys this service sets on a request (kms-reference.md, "Authorization"), and a builder
 * for the request context map an {@link AuthorizationRequest} carries.
 */
public final class ConditionKeys {
    /** Followed by an encryption context key: the value of that pair. */
    public static final String ENCRYPTION_CONTEXT_PREFIX = "kms:EncryptionContext:";
    /** Multivalued: the keys of the encryption context; absent when the context is empty. */
    public static final String ENCRYPTION_CONTEXT_KEYS = "kms:EncryptionContextKeys";
    public static final String CALLER_ACCOUNT = "kms:CallerAccount";
    public static final String VIA_SERVICE = "kms:ViaService";
    public static final String KEY_SPEC = "kms:KeySpec";
    public static final String KEY_USAGE = "kms:KeyUsage";
    public static final String KEY_ORIGIN = "kms:KeyOrigin";
    public static final String REQUEST_ALIAS = "kms:RequestAlias";
    public static final String MAC_ALGORITHM = "kms:MacAlgorithm";
    public static final String ROTATION_PERIOD_IN_DAYS = "kms:RotationPeriodInDays";
    public static final String SCHEDULE_KEY_DELETION_PENDING_WINDOW_IN_DAYS = "kms:ScheduleKeyDeletionPendingWindowInDays";
    public static final String PRINCIPAL_ARN = "aws:PrincipalArn";
    public static final String PRINCIPAL_ACCOUNT = "aws:PrincipalAccount";
    public static final String SOURCE_IP = "aws:SourceIp";
    public static final String CURRENT_TIME = "aws:CurrentTime";

    private ConditionKeys() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects request condition keys; later puts of the same key replace earlier ones. */
    public static final class Builder {
        private final Map<String, List<String>> context = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder put(String key, String... values) {
            context.put(key, List.of(values));
            return this;
        }

        public Builder put(String key, List<String> values) {
            context.put(key, List.copyOf(values));
            return this;
        }

        /** Sets kms:EncryptionContext:KEY for each pair and kms:EncryptionContextKeys, unless the context is empty. */
        public Builder encryptionContext(Map<String, String> encryptionContext) {
            if (encryptionContext == null || encryptionContext.isEmpty()) {
                return this;
            }
            encryptionContext.forEach((k, v) -> context.put(ENCRYPTION_CONTEXT_PREFIX + k, List.of(v)));
            context.put(ENCRYPTION_CONTEXT_KEYS, List.copyOf(encryptionContext.keySet()));
            return this;
        }

        public Map<String, List<String>> build() {
            return Map.copyOf(context);
        }
    }
}
