package dev.kms.core.service;

import dev.kms.core.fake.FakePrincipalDirectory;
import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.fake.InMemoryMetadataStore;
import dev.kms.core.fake.MutableClock;
import dev.kms.core.fake.TestPolicyParser;
import dev.kms.core.identity.Principal;
import dev.kms.core.identity.RequestContext;
import dev.kms.core.model.Deployment;
import dev.kms.core.model.KmsKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static dev.kms.core.service.KmsScenarios.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaintenanceSchedulerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryMetadataStore store = new InMemoryMetadataStore();
    private static final RequestContext ROOT = RequestContext.direct(Principal.root("aws", "111122223333"), null, null);
    private final Kms kms = Kms.create(new Deployment("aws", "us-east-1", "111122223333"), new InMemoryHsm(), store,
            new TestPolicyParser(), new FakePrincipalDirectory("111122223333"), clock);

    @Test
    void scheduler_rotatesAndDeletesDueKeys_withoutAnyoneAsking() {
        KmsKey rotating = kms.keys().createKey(ROOT, CreateKeyRequest.defaults());
        KmsKey doomed = kms.keys().createKey(ROOT, CreateKeyRequest.defaults());
        kms.rotation().enableKeyRotation(ROOT, ref(rotating.keyId()), 90);
        kms.keys().scheduleKeyDeletion(ROOT, ref(doomed.keyId()), 7);

        try (MaintenanceScheduler ignored = new MaintenanceScheduler(kms.maintenance()::runDue, Duration.ofMillis(20))) {
            clock.advance(Duration.ofDays(90));
            awaitTrue(() -> store.findKey(doomed.keyId()).isEmpty()
                    && store.findKey(rotating.keyId()).orElseThrow().materials().size() == 2);
        }
        assertEquals(2, kms.keys().describeKey(ROOT, ref(rotating.keyId())).materials().size());
    }

    /** Polls a condition the scheduler's thread makes true, failing after ten seconds. */
    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
