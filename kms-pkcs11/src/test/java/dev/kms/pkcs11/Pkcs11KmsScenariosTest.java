package dev.kms.pkcs11;

import dev.kms.core.fake.InMemoryMetadataStore;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.MetadataStore;
import dev.kms.core.service.KmsScenarios;
import org.junit.jupiter.api.AfterEach;

/** Every key service scenario with its key material in a real SoftHSM2 token (a fresh one per test). */
class Pkcs11KmsScenariosTest extends KmsScenarios {
    private Pkcs11Hsm opened;

    @Override
    protected Hsm newHsm() {
        opened = TestTokens.newToken("scenario").openHsm();
        return opened;
    }

    @Override
    protected MetadataStore newStore() {
        return new InMemoryMetadataStore();
    }

    @AfterEach
    void closeToken() {
        opened.close();
    }
}
