package dev.kms.core.service;

import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.fake.InMemoryMetadataStore;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.MetadataStore;

/** The key service scenarios on the in-memory fakes: fast feedback on the domain rules. */
class InMemoryKmsScenariosTest extends KmsScenarios {
    @Override
    protected Hsm newHsm() {
        return new InMemoryHsm();
    }

    @Override
    protected MetadataStore newStore() {
        return new InMemoryMetadataStore();
    }
}
