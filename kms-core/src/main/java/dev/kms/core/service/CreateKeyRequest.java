package dev.kms.core.service;

import dev.kms.core.model.KeySpec;
import dev.kms.core.model.KeyUsage;

import java.util.Map;

/** The parameters of CreateKey; null members take the AWS defaults. */
public record CreateKeyRequest(String description, KeySpec keySpec, KeyUsage keyUsage, Map<String, String> tags) {
    public CreateKeyRequest {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    public static CreateKeyRequest defaults() {
        return new CreateKeyRequest(null, null, null, null);
    }
}
