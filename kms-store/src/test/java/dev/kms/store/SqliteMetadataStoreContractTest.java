package dev.kms.store;

import dev.kms.core.port.MetadataStore;
import dev.kms.core.port.MetadataStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class SqliteMetadataStoreContractTest extends MetadataStoreContract {
    @RegisterExtension
    final SqliteTestFile sqlite = new SqliteTestFile();

    @Override
    protected MetadataStore newStore() {
        return sqlite.openMetadataStore();
    }
}
