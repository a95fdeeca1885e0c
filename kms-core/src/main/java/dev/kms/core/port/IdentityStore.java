package dev.kms.core.port;

import dev.kms.core.identity.AccessKey;
import dev.kms.core.identity.AccessKeyStatus;
import dev.kms.core.identity.Account;
import dev.kms.core.identity.InlinePolicy;
import dev.kms.core.identity.Role;
import dev.kms.core.identity.ServicePrincipal;
import dev.kms.core.identity.User;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: durable accounts, users, roles, integrated services' principals, access keys and inline identity policies. User and role names are
 * unique per account regardless of case and are found in any case, as in IAM; listings are in name order.
 * Each method is atomic. Errors are {@link dev.kms.core.error.KmsException}s with IAM's wording:
 * NotFoundException for a missing account, user, role, policy or key ("The user with name alice cannot be
 * found."), AlreadyExistsException for a taken name, ValidationException for a delete that IAM would refuse
 * with DeleteConflict, LimitExceededException past {@link #MAX_ACCESS_KEYS_PER_USER}.
 * Implementations are safe for concurrent use.
 */
public interface IdentityStore {
    /** IAM's quota of access keys per user, enforced atomically by {@link #insertAccessKey}. */
    int MAX_ACCESS_KEYS_PER_USER = 2;

    void insertAccount(Account account);

    Optional<Account> findAccount(String accountId);

    /** All accounts in id order. */
    List<Account> listAccounts();

    /** @throws dev.kms.core.error.KmsException NotFound if the account is missing, AlreadyExists if the name is taken */
    void insertUser(User user);

    Optional<User> findUser(String accountId, String userName);

    List<User> listUsers(String accountId);

    /** Removes a user that has neither access keys nor inline policies (ValidationException otherwise). */
    void deleteUser(String accountId, String userName);

    /** @throws dev.kms.core.error.KmsException NotFound if the account is missing, AlreadyExists if the name is taken */
    void insertRole(Role role);

    Optional<Role> findRole(String accountId, String roleName);

    List<Role> listRoles(String accountId);

    /** Removes a role that has no inline policies (ValidationException otherwise); its sessions' keys stay until they expire. */
    void deleteRole(String accountId, String roleName);

    /** Adds or replaces a policy of an existing user. */
    void putUserPolicy(String accountId, String userName, InlinePolicy policy);

    Optional<InlinePolicy> findUserPolicy(String accountId, String userName, String policyName);

    /** The user's policies in name order; NotFound if the user is missing. */
    List<InlinePolicy> listUserPolicies(String accountId, String userName);

    void deleteUserPolicy(String accountId, String userName, String policyName);

    /** Adds or replaces a policy of an existing role. */
    void putRolePolicy(String accountId, String roleName, InlinePolicy policy);

    Optional<InlinePolicy> findRolePolicy(String accountId, String roleName, String policyName);

    /** The role's policies in name order; NotFound if the role is missing. */
    List<InlinePolicy> listRolePolicies(String accountId, String roleName);

    void deleteRolePolicy(String accountId, String roleName, String policyName);

    /** AlreadyExists if a service of that name exists; service names are lowercase, so no case folding. */
    void insertServicePrincipal(ServicePrincipal service);

    Optional<ServicePrincipal> findServicePrincipal(String serviceName);

    /** All service principals in name order. */
    List<ServicePrincipal> listServicePrincipals();

    /** Removes a service principal that has no access keys (ValidationException otherwise); NotFound if missing. */
    void deleteServicePrincipal(String serviceName);

    /**
     * Stores a key. A user's (or a service's) key needs the user (service) to exist and fewer than
     * {@link #MAX_ACCESS_KEYS_PER_USER} keys on it; a session's key needs its account to exist. AlreadyExists if
     * the id is taken.
     */
    void insertAccessKey(AccessKey key);

    Optional<AccessKey> findAccessKey(String accessKeyId);

    /** A user's keys, oldest first (ties in id order); NotFound if the user is missing. */
    List<AccessKey> listAccessKeys(String accountId, String userName);

    /** A service principal's keys, oldest first (ties in id order); NotFound if the service is missing. */
    List<AccessKey> listServiceAccessKeys(String serviceName);

    /** Activates or deactivates a key; NotFound if it is missing. */
    void updateAccessKeyStatus(String accessKeyId, AccessKeyStatus status);

    /** NotFound if the key is missing. */
    void deleteAccessKey(String accessKeyId);

    /** Removes the temporary keys that expired at or before {@code now}; returns how many. */
    int deleteExpiredAccessKeys(Instant now);
}
