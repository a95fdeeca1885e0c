package dev.kms.core.identity;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.ServiceKeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keys the service creates for itself inside the HSM (protecting secrets, sealing the audit trail). They are
 * recorded only in the {@link ServiceKeyStore}, never as customer keys, so no customer can list, describe or
 * use them; their token objects are labelled {@code kms-service/NAME}.
 */
public final class ServiceKeys {
    /** The label prefix of service-owned token objects; customer materials use {@code kms/}. */
    public static final String LABEL_PREFIX = "kms-service/";
    /** The SYMMETRIC_DEFAULT key that protects access-key secrets. */
    public static final String SECRETS = "secrets";
    /** The HMAC_256 key that seals the audit trail. */
    public static final String AUDIT_SEAL = "audit-seal";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Logger LOG = LoggerFactory.getLogger(ServiceKeys.class);

    private final Hsm hsm;
    private final ServiceKeyStore store;
    private final Map<String, MaterialId> known = new ConcurrentHashMap<>();

    public ServiceKeys(Hsm hsm, ServiceKeyStore store) {
        this.hsm = hsm;
        this.store = store;
    }

    /**
     * The material of service key {@code name}, created with {@code spec} on first use. The token object is
     * made before the record, so a record never points at nothing; when another node or thread records the
     * same name first, the new object is destroyed and the winner's used.
     */
    public MaterialId ensure(String name, KeySpec spec) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a service key name is 1..63 lowercase letters, digits and dashes");
        }
        MaterialId cached = known.get(name);
        if (cached != null) {
            return cached;
        }
        MaterialId id = store.find(name).orElseGet(() -> create(name, spec));
        known.put(name, id);
        return id;
    }

    private MaterialId create(String name, KeySpec spec) {
        MaterialId id = MaterialId.random();
        hsm.generateKey(id, spec, LABEL_PREFIX + name);
        try {
            store.insert(name, spec, id);
            LOG.info("Created service key {} ({}) as token object {}", name, spec, id);
            return id;
        } catch (RuntimeException e) {
            destroyQuietly(id);
            if (e instanceof KmsException k && k.code() == ErrorCode.ALREADY_EXISTS) {
                return store.find(name).orElseThrow(() -> new KmsException(ErrorCode.INTERNAL,
                        "Service key " + name + " was recorded concurrently but cannot be found"));
            }
            throw e;
        }
    }

    private void destroyQuietly(MaterialId id) {
        try {
            hsm.destroyKey(id);
        } catch (RuntimeException e) {
            LOG.warn("Could not destroy unused service token object {}", id, e);
        }
    }
}
