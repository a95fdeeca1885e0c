package dev.kms.core.service;

import dev.kms.core.model.KeySpec;
import dev.kms.core.model.KeyUsage;

import java.util.Map;

/**
 * The parameters of CreateKey; null members take the AWS defaults (a null policy is the default key
 * policy).
 */
public record CreateKeyRequest(String description, KeySpec keySpec, KeyUsage keyUsage, Map<String, String> tags,
                               String policy, boolean bypassPolicyLockoutSafetyCheck) {
    public CreateKeyRequest {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public CreateKeyRequest(String description, KeySpec keySpec, KeyUsage keyUsage, Map<String, String> tags) {
        this(description, keySpec, keyUsage, tags, null, false);
    }

    public static CreateKeyRequest defaults() {
        return new CreateKeyRequest(null, null, null, null);
    }
}
