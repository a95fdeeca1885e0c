package dev.kms.store;

import dev.kms.core.port.IdentityStore;
import dev.kms.core.port.ServiceKeyStore;
import dev.kms.core.port.IdentityStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteIdentityStoreContractTest extends IdentityStoreContract {
    @TempDir
    Path dir;

    private SqliteIdentityStore opened;

    @Override
    protected IdentityStore newStore() {
        opened = SqliteIdentityStore.open(dir.resolve("kms.db"));
        return opened;
    }

    @Override
    protected ServiceKeyStore serviceKeyStore() {
        return opened;
    }

    @AfterEach
    void closeStore() {
        opened.close();
    }
}
