package dev.kms.store;

import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.MetadataStore;
import dev.kms.core.service.KmsScenarios;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The key service scenarios with metadata in a real SQLite file (the HSM stays the in-memory fake). */
class SqliteKmsScenariosTest extends KmsScenarios {
    @RegisterExtension
    final SqliteTestFile sqlite = new SqliteTestFile();

    @Override
    protected Hsm newHsm() {
        return new InMemoryHsm();
    }

    @Override
    protected MetadataStore newStore() {
        return sqlite.openMetadataStore();
    }
}
