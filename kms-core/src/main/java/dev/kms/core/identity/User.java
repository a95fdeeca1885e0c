package dev.kms.core.identity;

import java.time.Instant;
import java.util.Objects;

/**
 * An IAM-style user: {@code userId} is its unique id ({@code AIDA} + 16 characters), {@code arn} is
 * {@code arn:PARTITION:iam::ACCOUNT:user/NAME}. Names are unique per account regardless of case, as in IAM.
 */
public record User(String accountId, String userName, String userId, String arn, Instant created) {
    public User {
        IamNames.requireAccountId(accountId);
        IamNames.requireName("userName", userName, IamNames.MAX_USER_NAME);
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(created, "created");
    }
}
