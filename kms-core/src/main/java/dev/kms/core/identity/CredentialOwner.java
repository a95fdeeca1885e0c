package dev.kms.core.identity;

import java.util.Objects;

/**
 * Whose credential an access key is: a user's long-term key, a role session's temporary one, or an integrated
 * service's long-term key.
 */
public sealed interface CredentialOwner
        permits CredentialOwner.UserOwner, CredentialOwner.RoleSession, CredentialOwner.ServiceOwner {

    /** A user's own key; {@code userName} as the user was created. */
    record UserOwner(String userName) implements CredentialOwner {
        public UserOwner {
            IamNames.requireName("userName", userName, IamNames.MAX_USER_NAME);
        }
    }

    /**
     * A session of a role. {@code roleId} pins the session to the role that existed when it was assumed, so a
     * role deleted and re-created under the same name does not inherit the old sessions.
     */
    record RoleSession(String roleArn, String roleId, String sessionName) implements CredentialOwner {
        public RoleSession {
            Objects.requireNonNull(roleArn, "roleArn");
            Objects.requireNonNull(roleId, "roleId");
            IamNames.requireSessionName(sessionName);
        }
    }

    /** An integrated service's own key (see {@link ServicePrincipal}). */
    record ServiceOwner(String serviceName) implements CredentialOwner {
        public ServiceOwner {
            IamNames.requireServiceName(serviceName);
        }
    }
}
