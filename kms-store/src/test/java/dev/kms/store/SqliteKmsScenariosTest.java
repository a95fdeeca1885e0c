package dev.kms.store;

import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.MetadataStore;
import dev.kms.core.service.KmsScenarios;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The key service scenarios with metadata in a real SQLite file (the HSM stays the in-memory fake). */
class SqliteKmsScenariosTest extends KmsScenarios {
    @TempDir
    Path dir;

    private SqliteMetadataStore opened;

    @Override
    protected Hsm newHsm() {
        return new InMemoryHsm();
    }

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
