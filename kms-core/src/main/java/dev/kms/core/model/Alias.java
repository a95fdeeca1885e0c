package dev.kms.core.model;

import java.time.Instant;

/** A friendly name ({@code alias/NAME}) pointing at one key of an account. */
public record Alias(String accountId, String aliasName, String targetKeyId, Instant creationDate,
                    Instant lastUpdatedDate) {
}
