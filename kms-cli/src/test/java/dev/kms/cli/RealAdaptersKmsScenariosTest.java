package dev.kms.cli;

import dev.kms.core.port.Hsm;
import dev.kms.core.port.MetadataStore;
import dev.kms.core.service.CachingMetadataStore;
import dev.kms.core.service.KmsScenarios;
import dev.kms.pkcs11.Pkcs11Hsm;
import dev.kms.pkcs11.TestTokens;
import dev.kms.store.SqliteMetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Every key service scenario on the parts the product runs on: a real SoftHSM2 token and a real SQLite
 * file, behind the metadata cache a long-running process uses.
 */
class RealAdaptersKmsScenariosTest extends KmsScenarios {
    @TempDir
    Path dir;
    private Pkcs11Hsm openedHsm;
    private SqliteMetadataStore openedStore;

    @Override
    protected Hsm newHsm() {
        openedHsm = TestTokens.newToken("real").openHsm();
        return openedHsm;
    }

    @Override
    protected MetadataStore newStore() {
        openedStore = SqliteMetadataStore.open(dir.resolve("metadata.db"));
        return new CachingMetadataStore(openedStore, Duration.ofSeconds(1));
    }

    @AfterEach
    void close() {
        openedStore.close();
        openedHsm.close();
    }
}
