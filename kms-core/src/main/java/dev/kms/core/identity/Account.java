package dev.kms.core.identity;

import java.time.Instant;
import java.util.Objects;

/** An account: the unit that owns keys, users and roles, named by a 12-digit id. */
public record Account(String accountId, Instant created) {
    public Account {
        IamNames.requireAccountId(accountId);
        Objects.requireNonNull(created, "created");
    }
}
