package dev.kms.core.model;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;

/** The lifecycle states of a key, with the rules for using and changing a key in each. */
public enum KeyState {
    Enabled,
    Disabled,
    PendingDeletion;

    /** Throws the AWS error for cryptographic use of a key in this state. */
    public void requireUsable(String arn) {
        switch (this) {
            case Enabled -> { }
            case Disabled -> throw new KmsException(ErrorCode.DISABLED, arn + " is disabled.");
            case PendingDeletion -> throw pendingDeletion(arn);
        }
    }

    /** Throws when a key in this state may not be changed (enabled, disabled, rotated, aliased...). */
    public void requireNotPendingDeletion(String arn) {
        if (this == PendingDeletion) {
            throw pendingDeletion(arn);
        }
    }

    private static KmsException pendingDeletion(String arn) {
        return new KmsException(ErrorCode.INVALID_STATE, arn + " is pending deletion.");
    }
}
