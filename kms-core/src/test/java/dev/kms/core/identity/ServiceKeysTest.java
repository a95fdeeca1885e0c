package dev.kms.core.identity;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.fake.InMemoryIdentityStore;
import dev.kms.core.model.KeySpec;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.ServiceKeyStore;
import dev.kms.core.secret.Secret;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ServiceKeysTest {
    private final InMemoryHsm hsm = new InMemoryHsm();
    private final InMemoryIdentityStore store = new InMemoryIdentityStore();
    private final ServiceKeys keys = new ServiceKeys(hsm, store);

    @Test
    void ensure_createsATokenObjectLabelledKmsServiceAndRecordsIt() {
        MaterialId id = keys.ensure(ServiceKeys.SECRETS, KeySpec.SYMMETRIC_DEFAULT);
        assertEquals(List.of(new Hsm.TokenObject(id, "kms-service/secrets")), hsm.listKeys());
        assertEquals(id, store.find("secrets").orElseThrow());
    }

    @Test
    void ensure_again_returnsTheSameKey_evenFromAnotherInstance() {
        MaterialId id = keys.ensure(ServiceKeys.AUDIT_SEAL, KeySpec.HMAC_256);
        assertEquals(id, keys.ensure(ServiceKeys.AUDIT_SEAL, KeySpec.HMAC_256));
        assertEquals(id, new ServiceKeys(hsm, store).ensure(ServiceKeys.AUDIT_SEAL, KeySpec.HMAC_256));
        assertEquals(1, hsm.listKeys().size());
        assertEquals(32, hsm.mac(id, new byte[]{1}).length);
    }

    @Test
    void ensure_losingTheRace_destroysItsObjectAndUsesTheWinners() {
        MaterialId winner = MaterialId.random();
        AtomicBoolean raced = new AtomicBoolean();
        // Another node records the name between our find and our insert.
        ServiceKeyStore racing = new ServiceKeyStore() {
            @Override
            public java.util.Optional<MaterialId> find(String name) {
                return store.find(name);
            }

            @Override
            public void insert(String name, KeySpec spec, MaterialId id) {
                if (raced.compareAndSet(false, true)) {
                    hsm.generateKey(winner, spec, "kms-service/" + name);
                    store.insert(name, spec, winner);
                }
                store.insert(name, spec, id);
            }
        };
        assertEquals(winner, new ServiceKeys(hsm, racing).ensure(ServiceKeys.SECRETS, KeySpec.SYMMETRIC_DEFAULT));
        assertEquals(List.of(new Hsm.TokenObject(winner, "kms-service/secrets")), hsm.listKeys());
    }

    @Test
    void ensure_whenTheStoreFails_destroysTheNewObject() {
        ServiceKeyStore failing = new ServiceKeyStore() {
            @Override
            public java.util.Optional<MaterialId> find(String name) {
                return java.util.Optional.empty();
            }

            @Override
            public void insert(String name, KeySpec spec, MaterialId id) {
                throw new KmsException(ErrorCode.DEPENDENCY_TIMEOUT, "busy");
            }
        };
        KmsException e = assertThrows(KmsException.class,
                () -> new ServiceKeys(hsm, failing).ensure(ServiceKeys.SECRETS, KeySpec.SYMMETRIC_DEFAULT));
        assertEquals(ErrorCode.DEPENDENCY_TIMEOUT, e.code());
        assertEquals(List.of(), hsm.listKeys());
    }

    @Test
    void ensure_withABadName_fails() {
        assertThrows(IllegalArgumentException.class, () -> keys.ensure("Secrets/x", KeySpec.SYMMETRIC_DEFAULT));
    }

    @Test
    void secretProtector_roundTripsUnderTheSecretsKey() {
        SecretProtector protector = SecretProtector.create(hsm, keys);
        ProtectedSecret p = protector.protect("AKIAAAAAAAAAAAAAAAA1", "s3cr3t".toCharArray());
        try (Secret s = protector.reveal("AKIAAAAAAAAAAAAAAAA1", p)) {
            assertArrayEquals("s3cr3t".toCharArray(), s.chars());
        }
        assertEquals(store.find("secrets"), java.util.Optional.of(hsm.listKeys().get(0).id()));
    }
}
