package dev.kms.pkcs11;

import dev.kms.core.port.Hsm;
import dev.kms.core.port.HsmContract;
import org.junit.jupiter.api.BeforeAll;

class Pkcs11HsmContractTest extends HsmContract {
    private static TestToken token;

    @BeforeAll
    static void createToken() {
        token = TestTokens.newToken("contract");
    }

    @Override
    protected Hsm newHsm() {
        return token.openHsm();
    }
}
