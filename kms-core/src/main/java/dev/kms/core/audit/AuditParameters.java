package dev.kms.core.audit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@code requestParameters} and {@code responseElements} of an {@link AuditEvent} from a request or
 * response's members, keeping only members known to be safe to log and naming them as CloudTrail does
 * ({@code KeyId} becomes {@code keyId}).
 *
 * <p>An allow-list, not a deny-list: a member this class has never heard of (a new operation's
 * {@code Message}, {@code Mac}, {@code EncryptedKeyMaterial}, a credential field spelled a new way) is left
 * out until someone decides it is safe, so a new secret cannot reach the trail by default. The cost, a
 * missing non-secret member in some event, is visible and cheap to fix; a leaked secret is neither.
 */
public final class AuditParameters {

    /** Members that never carry plaintext, ciphertext, key material, PINs or credentials (lowerCamelCase). */
    public static final Set<String> ALLOWED = Set.of(
            // keys, aliases, grants
            "keyId", "keyIds", "aliasName", "targetKeyId", "sourceKeyId", "destinationKeyId", "grantTokens",
            "description", "keyUsage", "keySpec", "customerMasterKeySpec", "origin", "multiRegion",
            "customKeyStoreId", "xksKeyId", "tags", "tagKeys", "pendingWindowInDays", "rotationPeriodInDays",
            "limit", "marker", "keyRotationEnabled", "keyMetadata", "keyState", "deletionDate",
            // policies
            "policy", "policyName", "policyNames", "bypassPolicyLockoutSafetyCheck",
            // cryptographic parameters that are not data
            "encryptionContext", "sourceEncryptionContext", "destinationEncryptionContext",
            "encryptionAlgorithm", "sourceEncryptionAlgorithm", "destinationEncryptionAlgorithm",
            "numberOfBytes", "dataKeySpec", "signingAlgorithm", "messageType", "macAlgorithm",
            "keyAgreementAlgorithm", "wrappingAlgorithm", "wrappingKeySpec", "dryRun",
            // principals (identifiers only; secret access keys and session tokens are never allowed)
            "userName", "roleName", "roleArn", "roleSessionName", "durationSeconds", "accessKeyId",
            "policyDocument", "assumeRolePolicyDocument", "accountId", "path", "status", "serviceName",
            "maxSessionDuration", "policySourceArn", "actionNames", "resourceArns",
            // what IAM, STS and accounts answer, inside the objects of NESTED
            "userId", "roleId", "arn", "id", "createDate", "expiration", "assumedRoleId", "servicePrincipalId");

    /**
     * Members whose value is an object that is itself filtered by {@link #ALLOWED} (CreateAccessKey's
     * {@code accessKey}, AssumeRole's {@code credentials}), so the identifiers in them are kept and the secret
     * access key and session token beside them are not. Any other value under these names is left out.
     */
    public static final Set<String> NESTED = Set.of(
            "user", "role", "accessKey", "credentials", "assumedRoleUser", "account", "servicePrincipal");

    private AuditParameters() {
    }

    /**
     * The allowed members of {@code members} under their CloudTrail names, in their original order; values
     * are kept as given (JSON-like: strings, numbers, booleans, lists and maps). Null for a null input, as
     * CloudTrail writes {@code "responseElements": null}.
     */
    public static Map<String, Object> of(Map<String, ?> members) {
        if (members == null) {
            return null;
        }
        Map<String, Object> kept = new LinkedHashMap<>();
        members.forEach((name, value) -> {
            String cloudTrailName = cloudTrailName(name);
            if (ALLOWED.contains(cloudTrailName)) {
                kept.put(cloudTrailName, value);
            } else if (NESTED.contains(cloudTrailName) && value instanceof Map<?, ?> inner) {
                kept.put(cloudTrailName, of(stringKeys(inner)));
            }
        });
        return Collections.unmodifiableMap(kept);
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), v));
        return copy;
    }

    /** {@code KeyId} to {@code keyId}: the wire's member name as CloudTrail spells it. */
    static String cloudTrailName(String wireName) {
        if (wireName == null || wireName.isEmpty()) {
            return "";
        }
        return Character.toLowerCase(wireName.charAt(0)) + wireName.substring(1);
    }
}
