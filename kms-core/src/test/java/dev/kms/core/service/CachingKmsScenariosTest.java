package dev.kms.core.service;

import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.fake.InMemoryMetadataStore;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.MetadataStore;

import java.time.Duration;

/** The scenarios again through the metadata cache: every change must be visible to the next call. */
class CachingKmsScenariosTest extends KmsScenarios {
    @Override
    protected Hsm newHsm() {
        return new InMemoryHsm();
    }

    @Override
    protected MetadataStore newStore() {
        return new CachingMetadataStore(new InMemoryMetadataStore(), Duration.ofHours(1));
    }
}
