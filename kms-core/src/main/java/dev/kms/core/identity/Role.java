package dev.kms.core.identity;

import java.time.Instant;
import java.util.Objects;

/**
 * A role: {@code roleId} is its unique id ({@code AROA} + 16 characters), {@code arn} is
 * {@code arn:PARTITION:iam::ACCOUNT:role/NAME}, {@code trustPolicy} the document naming who may assume it.
 */
public record Role(String accountId, String roleName, String roleId, String arn, String trustPolicy,
                   int maxSessionDurationSeconds, Instant created) {
    /** IAM's default MaxSessionDuration: one hour. */
    public static final int DEFAULT_MAX_SESSION_SECONDS = 3600;
    /** IAM's bounds of MaxSessionDuration: one to twelve hours. */
    public static final int MIN_MAX_SESSION_SECONDS = 3600;
    public static final int MAX_MAX_SESSION_SECONDS = 43_200;

    public Role {
        IamNames.requireAccountId(accountId);
        IamNames.requireName("roleName", roleName, IamNames.MAX_ROLE_NAME);
        Objects.requireNonNull(roleId, "roleId");
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(trustPolicy, "trustPolicy");
        Objects.requireNonNull(created, "created");
        if (maxSessionDurationSeconds < MIN_MAX_SESSION_SECONDS || maxSessionDurationSeconds > MAX_MAX_SESSION_SECONDS) {
            throw new IllegalArgumentException("maxSessionDurationSeconds must be 3600..43200");
        }
    }
}
