package dev.kms.core.fake;

import dev.kms.core.port.MetadataStore;
import dev.kms.core.port.MetadataStoreContract;

class InMemoryMetadataStoreContractTest extends MetadataStoreContract {
    @Override
    protected MetadataStore newStore() {
        return new InMemoryMetadataStore();
    }
}
