package dev.kms.core.fake;

import dev.kms.core.port.IdentityStore;
import dev.kms.core.port.IdentityStoreContract;
import dev.kms.core.port.ServiceKeyStore;

class InMemoryIdentityStoreContractTest extends IdentityStoreContract {
    private InMemoryIdentityStore opened;

    @Override
    protected IdentityStore newStore() {
        opened = new InMemoryIdentityStore();
        return opened;
    }

    @Override
    protected ServiceKeyStore serviceKeyStore() {
        return opened;
    }
}
