package dev.kms.core.fake;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.AccessKey;
import dev.kms.core.identity.AccessKeyStatus;
import dev.kms.core.identity.Account;
import dev.kms.core.identity.CredentialOwner;
import dev.kms.core.identity.InlinePolicy;
import dev.kms.core.identity.Role;
import dev.kms.core.identity.ServicePrincipal;
import dev.kms.core.identity.User;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.IdentityStore;
import dev.kms.core.port.ServiceKeyStore;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A thread-safe in-memory {@link IdentityStore} and {@link ServiceKeyStore} with the semantics of the SQL
 * store: names unique and found regardless of case, instants at millisecond precision, the same errors.
 */
public final class InMemoryIdentityStore implements IdentityStore, ServiceKeyStore {
    private final TreeMap<String, Account> accounts = new TreeMap<>();
    /** Account id + "/" + lower-case name. */
    private final TreeMap<String, User> users = new TreeMap<>();
    private final TreeMap<String, Role> roles = new TreeMap<>();
    private final Map<String, TreeMap<String, InlinePolicy>> userPolicies = new HashMap<>();
    private final Map<String, TreeMap<String, InlinePolicy>> rolePolicies = new HashMap<>();
    private final TreeMap<String, AccessKey> accessKeys = new TreeMap<>();
    private final TreeMap<String, ServicePrincipal> services = new TreeMap<>();
    private final Map<String, MaterialId> serviceKeys = new HashMap<>();

    @Override
    public synchronized void insertAccount(Account account) {
        if (accounts.containsKey(account.accountId())) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS, "Account " + account.accountId() + " already exists.");
        }
        accounts.put(account.accountId(), new Account(account.accountId(), millis(account.created())));
    }

    @Override
    public synchronized Optional<Account> findAccount(String accountId) {
        return Optional.ofNullable(accounts.get(accountId));
    }

    @Override
    public synchronized List<Account> listAccounts() {
        return List.copyOf(accounts.values());
    }

    @Override
    public synchronized void insertUser(User user) {
        requireAccount(user.accountId());
        String id = id(user.accountId(), user.userName());
        if (users.containsKey(id)) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS, "User with name " + user.userName() + " already exists.");
        }
        users.put(id, new User(user.accountId(), user.userName(), user.userId(), user.arn(), millis(user.created())));
    }

    @Override
    public synchronized Optional<User> findUser(String accountId, String userName) {
        return Optional.ofNullable(users.get(id(accountId, userName)));
    }

    @Override
    public synchronized List<User> listUsers(String accountId) {
        return users.subMap(accountId + "/", accountId + "0").values().stream().toList();
    }

    @Override
    public synchronized void deleteUser(String accountId, String userName) {
        String id = requireUser(accountId, userName);
        if (accessKeys.values().stream().anyMatch(k -> ownedBy(k, accountId, userName))) {
            throw new KmsException(ErrorCode.DELETE_CONFLICT, "Cannot delete entity, must delete access keys first.");
        }
        if (!userPolicies.getOrDefault(id, new TreeMap<>()).isEmpty()) {
            throw new KmsException(ErrorCode.DELETE_CONFLICT, "Cannot delete entity, must delete policies first.");
        }
        users.remove(id);
        userPolicies.remove(id);
    }

    @Override
    public synchronized void insertRole(Role role) {
        requireAccount(role.accountId());
        String id = id(role.accountId(), role.roleName());
        if (roles.containsKey(id)) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS, "Role with name " + role.roleName() + " already exists.");
        }
        roles.put(id, new Role(role.accountId(), role.roleName(), role.roleId(), role.arn(), role.trustPolicy(),
                role.maxSessionDurationSeconds(), millis(role.created())));
    }

    @Override
    public synchronized Optional<Role> findRole(String accountId, String roleName) {
        return Optional.ofNullable(roles.get(id(accountId, roleName)));
    }

    @Override
    public synchronized List<Role> listRoles(String accountId) {
        return roles.subMap(accountId + "/", accountId + "0").values().stream().toList();
    }

    @Override
    public synchronized void deleteRole(String accountId, String roleName) {
        String id = requireRole(accountId, roleName);
        if (!rolePolicies.getOrDefault(id, new TreeMap<>()).isEmpty()) {
            throw new KmsException(ErrorCode.DELETE_CONFLICT, "Cannot delete entity, must delete policies first.");
        }
        roles.remove(id);
        rolePolicies.remove(id);
    }

    @Override
    public synchronized void putUserPolicy(String accountId, String userName, InlinePolicy policy) {
        userPolicies.computeIfAbsent(requireUser(accountId, userName), k -> new TreeMap<>()).put(policy.policyName(), policy);
    }

    @Override
    public synchronized Optional<InlinePolicy> findUserPolicy(String accountId, String userName, String policyName) {
        return Optional.ofNullable(userPolicies.getOrDefault(id(accountId, userName), new TreeMap<>()).get(policyName));
    }

    @Override
    public synchronized List<InlinePolicy> listUserPolicies(String accountId, String userName) {
        return List.copyOf(userPolicies.getOrDefault(requireUser(accountId, userName), new TreeMap<>()).values());
    }

    @Override
    public synchronized void deleteUserPolicy(String accountId, String userName, String policyName) {
        TreeMap<String, InlinePolicy> policies = userPolicies.get(requireUser(accountId, userName));
        if (policies == null || policies.remove(policyName) == null) {
            throw new KmsException(ErrorCode.NOT_FOUND, "The user policy with name " + policyName + " cannot be found.");
        }
    }

    @Override
    public synchronized void putRolePolicy(String accountId, String roleName, InlinePolicy policy) {
        rolePolicies.computeIfAbsent(requireRole(accountId, roleName), k -> new TreeMap<>()).put(policy.policyName(), policy);
    }

    @Override
    public synchronized Optional<InlinePolicy> findRolePolicy(String accountId, String roleName, String policyName) {
        return Optional.ofNullable(rolePolicies.getOrDefault(id(accountId, roleName), new TreeMap<>()).get(policyName));
    }

    @Override
    public synchronized List<InlinePolicy> listRolePolicies(String accountId, String roleName) {
        return List.copyOf(rolePolicies.getOrDefault(requireRole(accountId, roleName), new TreeMap<>()).values());
    }

    @Override
    public synchronized void deleteRolePolicy(String accountId, String roleName, String policyName) {
        TreeMap<String, InlinePolicy> policies = rolePolicies.get(requireRole(accountId, roleName));
        if (policies == null || policies.remove(policyName) == null) {
            throw new KmsException(ErrorCode.NOT_FOUND, "The role policy with name " + policyName + " cannot be found.");
        }
    }

    @Override
    public synchronized void insertServicePrincipal(ServicePrincipal service) {
        if (services.containsKey(service.serviceName())) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS,
                    "Service principal with name " + service.serviceName() + " already exists.");
        }
        services.put(service.serviceName(),
                new ServicePrincipal(service.serviceName(), service.serviceId(), millis(service.created())));
    }

    @Override
    public synchronized Optional<ServicePrincipal> findServicePrincipal(String serviceName) {
        return Optional.ofNullable(services.get(serviceName));
    }

    @Override
    public synchronized List<ServicePrincipal> listServicePrincipals() {
        return List.copyOf(services.values());
    }

    @Override
    public synchronized void deleteServicePrincipal(String serviceName) {
        requireService(serviceName);
        if (accessKeys.values().stream().anyMatch(k -> ownedByService(k, serviceName))) {
            throw new KmsException(ErrorCode.DELETE_CONFLICT, "Cannot delete entity, must delete access keys first.");
        }
        services.remove(serviceName);
    }

    @Override
    public synchronized void insertAccessKey(AccessKey key) {
        requireAccount(key.accountId());
        if (key.owner() instanceof CredentialOwner.UserOwner owner) {
            requireUser(key.accountId(), owner.userName());
            long count = accessKeys.values().stream().filter(k -> ownedBy(k, key.accountId(), owner.userName())).count();
            if (count >= MAX_ACCESS_KEYS_PER_USER) {
                throw new KmsException(ErrorCode.LIMIT_EXCEEDED,
                        "Cannot exceed quota for AccessKeysPerUser: " + MAX_ACCESS_KEYS_PER_USER);
            }
        } else if (key.owner() instanceof CredentialOwner.ServiceOwner owner) {
            requireService(owner.serviceName());
            if (accessKeys.values().stream().filter(k -> ownedByService(k, owner.serviceName())).count()
                    >= MAX_ACCESS_KEYS_PER_USER) {
                throw new KmsException(ErrorCode.LIMIT_EXCEEDED,
                        "Cannot exceed quota for AccessKeysPerUser: " + MAX_ACCESS_KEYS_PER_USER);
            }
        }
        if (accessKeys.containsKey(key.accessKeyId())) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS, "Access key " + key.accessKeyId() + " already exists.");
        }
        accessKeys.put(key.accessKeyId(), new AccessKey(key.accessKeyId(), key.accountId(), key.owner(), key.secret(),
                key.status(), millis(key.created()), key.sessionTokenHash(), millis(key.expiration())));
    }

    @Override
    public synchronized Optional<AccessKey> findAccessKey(String accessKeyId) {
        return Optional.ofNullable(accessKeys.get(accessKeyId));
    }

    @Override
    public synchronized List<AccessKey> listAccessKeys(String accountId, String userName) {
        requireUser(accountId, userName);
        List<AccessKey> keys = new ArrayList<>();
        accessKeys.values().stream().filter(k -> ownedBy(k, accountId, userName)).forEach(keys::add);
        keys.sort(Comparator.comparing(AccessKey::created).thenComparing(AccessKey::accessKeyId));
        return List.copyOf(keys);
    }

    @Override
    public synchronized List<AccessKey> listServiceAccessKeys(String serviceName) {
        requireService(serviceName);
        List<AccessKey> keys = new ArrayList<>();
        accessKeys.values().stream().filter(k -> ownedByService(k, serviceName)).forEach(keys::add);
        keys.sort(Comparator.comparing(AccessKey::created).thenComparing(AccessKey::accessKeyId));
        return List.copyOf(keys);
    }

    @Override
    public synchronized void updateAccessKeyStatus(String accessKeyId, AccessKeyStatus status) {
        accessKeys.put(accessKeyId, requireKey(accessKeyId).withStatus(status));
    }

    @Override
    public synchronized void deleteAccessKey(String accessKeyId) {
        requireKey(accessKeyId);
        accessKeys.remove(accessKeyId);
    }

    @Override
    public synchronized int deleteExpiredAccessKeys(Instant now) {
        int before = accessKeys.size();
        accessKeys.values().removeIf(k -> k.expiration() != null && !k.expiration().isAfter(now));
        return before - accessKeys.size();
    }

    @Override
    public synchronized Optional<MaterialId> find(String name) {
        return Optional.ofNullable(serviceKeys.get(name));
    }

    @Override
    public synchronized void insert(String name, KeySpec spec, MaterialId id) {
        if (serviceKeys.containsKey(name) || serviceKeys.containsValue(id)) {
            throw new KmsException(ErrorCode.ALREADY_EXISTS, "Service key " + name + " already exists");
        }
        serviceKeys.put(name, id);
    }

    private void requireAccount(String accountId) {
        if (!accounts.containsKey(accountId)) {
            throw new KmsException(ErrorCode.NOT_FOUND, "The account " + accountId + " cannot be found.");
        }
    }

    private String requireUser(String accountId, String userName) {
        String id = id(accountId, userName);
        if (!users.containsKey(id)) {
            throw new KmsException(ErrorCode.NOT_FOUND, "The user with name " + userName + " cannot be found.");
        }
        return id;
    }

    private String requireRole(String accountId, String roleName) {
        String id = id(accountId, roleName);
        if (!roles.containsKey(id)) {
            throw new KmsException(ErrorCode.NOT_FOUND, "The role with name " + roleName + " cannot be found.");
        }
        return id;
    }

    private void requireService(String serviceName) {
        if (!services.containsKey(serviceName)) {
            throw new KmsException(ErrorCode.NOT_FOUND, "The service principal with name " + serviceName
                    + " cannot be found.");
        }
    }

    private static boolean ownedByService(AccessKey key, String serviceName) {
        return key.owner() instanceof CredentialOwner.ServiceOwner owner && owner.serviceName().equals(serviceName);
    }

    private AccessKey requireKey(String accessKeyId) {
        AccessKey key = accessKeys.get(accessKeyId);
        if (key == null) {
            throw new KmsException(ErrorCode.NOT_FOUND, "The Access Key with id " + accessKeyId + " cannot be found.");
        }
        return key;
    }

    private static boolean ownedBy(AccessKey key, String accountId, String userName) {
        return key.accountId().equals(accountId) && key.owner() instanceof CredentialOwner.UserOwner owner
                && owner.userName().equalsIgnoreCase(userName);
    }

    private static String id(String accountId, String name) {
        return accountId + "/" + name.toLowerCase(Locale.ROOT);
    }

    private static Instant millis(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
