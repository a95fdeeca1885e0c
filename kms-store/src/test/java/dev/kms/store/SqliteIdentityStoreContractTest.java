package dev.kms.store;

import dev.kms.core.port.IdentityStore;
import dev.kms.core.port.IdentityStoreContract;
import dev.kms.core.port.ServiceKeyStore;
import org.junit.jupiter.api.extension.RegisterExtension;

class SqliteIdentityStoreContractTest extends IdentityStoreContract {
    @RegisterExtension
    final SqliteTestFile sqlite = new SqliteTestFile();

    private SqliteIdentityStore opened;

    @Override
    protected IdentityStore newStore() {
        opened = sqlite.openIdentityStore();
        return opened;
    }

    @Override
    protected ServiceKeyStore serviceKeyStore() {
        return opened;
    }
}
