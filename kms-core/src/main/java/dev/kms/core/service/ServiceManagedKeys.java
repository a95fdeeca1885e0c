package dev.kms.core.service;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Alias;
import dev.kms.core.model.Deployment;
import dev.kms.core.model.KeyManager;
import dev.kms.core.model.KeyMaterial;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.KeyState;
import dev.kms.core.model.KmsKey;
import dev.kms.core.model.Origin;
import dev.kms.core.model.RotationSchedule;
import dev.kms.core.policy.Policies;
import dev.kms.core.port.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Keys an integrated service uses on an account's behalf ({@code alias/aws/SERVICE}, KeyManager AWS):
 * created the first time the service asks for its alias in the account, rotated yearly, with a fixed
 * policy that lets the account's principals use them only through that service.
 */
final class ServiceManagedKeys {
    static final String RESERVED_PREFIX = "alias/aws/";
    private static final Logger LOG = LoggerFactory.getLogger(ServiceManagedKeys.class);

    private final Deployment deployment;
    private final MetadataStore store;
    private final KeyMaterials materials;
    private final Clock clock;

    ServiceManagedKeys(Deployment deployment, MetadataStore store, KeyMaterials materials, Clock clock) {
        this.deployment = deployment;
        this.store = store;
        this.materials = materials;
        this.clock = clock;
    }

    /**
     * The alias of the service-managed key, created now when the calling service (kms:ViaService
     * {@code SERVICE.REGION...}) asks for its own {@code alias/aws/SERVICE} for the first time; null otherwise.
     */
    Alias findOrCreateFor(RequestContext ctx, String aliasName) {
        String via = ctx.viaService();
        if (via == null || !aliasName.startsWith(RESERVED_PREFIX)) {
            return null;
        }
        String service = aliasName.substring(RESERVED_PREFIX.length());
        if (!via.startsWith(service + ".")) {
            return null;
        }
        String account = ctx.principal().accountId();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String keyId = UUID.randomUUID().toString();
        KeyMaterial material = materials.generate(keyId, KeySpec.SYMMETRIC_DEFAULT, 1, null, now);
        KmsKey key = new KmsKey(keyId, account, "Default key that protects my " + service + " data when no other key is defined",
                now, KeyState.Enabled, KeySpec.SYMMETRIC_DEFAULT, KeySpec.SYMMETRIC_DEFAULT.defaultUsage(), Origin.AWS_KMS,
                KeyManager.AWS, null, null, RotationSchedule.every(RotationSchedule.DEFAULT_PERIOD_DAYS, now),
                List.of(material), Map.of(), Policies.serviceManagedKeyPolicy(deployment.partition(), account, service, via), 1);
        Alias alias = new Alias(account, aliasName, keyId, now, now);
        try {
            store.insertKey(key);
        } catch (RuntimeException e) {
            materials.destroyQuietly(material.id());
            throw e;
        }
        try {
            store.insertAlias(alias);
        } catch (KmsException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) {
                throw e;
            }
            // Another request of the same service won the race: use its key and drop ours.
            store.deleteKey(keyId);
            materials.destroyQuietly(material.id());
            return store.findAlias(account, aliasName).orElseThrow(() -> e);
        }
        LOG.info("Created service-managed key {} ({}) for {}", keyId, aliasName, via);
        return alias;
    }

    /** Customers may use service-managed keys through the service but never manage them. */
    static void requireCustomerManaged(KmsKey key, String arn, String what) {
        if (key.keyManager() == KeyManager.AWS) {
            throw new KmsException(ErrorCode.UNSUPPORTED_OPERATION,
                    arn + " is an AWS managed key; customers cannot " + what + " it.");
        }
    }
}
