package dev.kms.core.operation;

import java.util.Objects;

/** An IAM action as policies name it, {@code service:Name}: {@code kms:Encrypt}, {@code iam:CreateUser}. */
public record Action(String name) {
    public Action {
        Objects.requireNonNull(name, "name");
    }

    /** The KMS action {@code kms:NAME}. */
    static Action kms(String name) {
        return new Action("kms:" + name);
    }

    @Override
    public String toString() {
        return name;
    }
}
