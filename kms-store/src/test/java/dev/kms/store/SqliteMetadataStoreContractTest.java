package dev.kms.store;

import dev.kms.core.port.MetadataStore;
import dev.kms.core.port.MetadataStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SqliteMetadataStoreContractTest extends MetadataStoreContract {
    @TempDir
    Path dir;

    private SqliteMetadataStore opened;

    @Override
    protected MetadataStore newStore() {
        opened = SqliteMetadataStore.open(dir.resolve("kms.db"));
        return opened;
    }

    @AfterEach
    void closeStore() {
        opened.close();
    }
}
